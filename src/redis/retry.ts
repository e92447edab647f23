// Retries of one Redis round trip: reconnect, back off with jitter, try again, within max_retries.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { SourceConfig } from '../config/config.js';
import { ConnectorError, TransientError } from '../protocol/errors.js';
import type { Connection } from './client.js';
import { target } from './errors.js';
import { isConnectionError } from './pipeline.js';

/** Runs one Redis round trip; `what` names it in logs and errors. */
export type Step = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export interface RetryPolicy {
  /** Attempts after the first one. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export const DEFAULT_BASE_DELAY_MS = 250;
export const DEFAULT_MAX_DELAY_MS = 10_000;

/** Failures of the connection or the server's availability, not of the request: worth another attempt. */
export function retryable(err: unknown): boolean {
  if (err instanceof ConnectorError || !(err instanceof Error)) return false;
  return isConnectionError(err) || /connect ETIMEDOUT|Redis is already connecting/i.test(err.message);
}

/**
 * Equal jitter: half of base·2^attempt (capped) always, the other half random, so retries of many
 * connectors spread out yet every retry waits long enough for a restarting server.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (policy.random ?? Math.random)() * (cap / 2));
}

/**
 * With retryStrategy null ioredis never reconnects by itself: the socket is destroyed (a paused or
 * sleeping server would not answer a polite close) and a new one opened, which re-sends AUTH. SELECT is
 * ours (client.ts does not pass db to ioredis), so a new connection would read db 0 without it.
 */
export async function reconnect(client: Redis, timeoutMs: number, db = 0): Promise<void> {
  if (client.status !== 'end' && client.status !== 'wait') {
    const ended = once(client, 'end');
    client.disconnect();
    (client as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  // ioredis would re-send the old connection's SELECT itself, unawaited: a timeout there is an unhandled
  // rejection that kills the process. The SELECT below is awaited instead.
  (client as unknown as { prevCondition: unknown }).prevCondition = null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (db) {
    try {
      await client.select(db);
    } catch (e) {
      // Never go on in another database: this connection is closed and the step fails (and is retried).
      client.disconnect();
      throw e;
    }
  }
}

export interface RetryingOptions {
  connection: Pick<Connection, 'spaces' | 'primary'>;
  config: Pick<SourceConfig, 'max_retries' | 'connect_timeout_seconds' | 'command_timeout_seconds' | 'host' | 'port' | 'connection_url' | 'db'>;
  log(message: string): Promise<void> | void;
  policy?: Partial<RetryPolicy>;
}

/** A `step` for readKeySpace: transient failures are retried after reconnecting, the rest thrown as they are. */
export function retryingStep(o: RetryingOptions): Step {
  const policy: RetryPolicy = {
    maxRetries: o.config.max_retries,
    baseDelayMs: DEFAULT_BASE_DELAY_MS,
    maxDelayMs: DEFAULT_MAX_DELAY_MS,
    ...o.policy,
  };
  const clients = () =>
    [...new Set([o.connection.primary, ...o.connection.spaces.map((s) => s.client)])].filter((c) => c instanceof Redis);
  return async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        return await fn();
      } catch (e) {
        failure = e;
      }
      if (!retryable(failure)) throw failure;
      const reason = (failure as Error).message;
      if (attempt >= policy.maxRetries) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new TransientError(
          `Redis at ${target(o.config as SourceConfig)} did not answer ${what} after ${attempt + 1} attempts over ${seconds} s ` +
            `(last error: ${reason}). The next attempt resumes from the last checkpoint; raise 'max_retries' or ` +
            `'command_timeout_seconds' if the server is often slow or restarting.`,
          reason,
        );
      }
      const delay = backoffDelay(attempt, policy);
      await o.log(`${what} failed (${reason}); reconnecting and retrying in ${(delay / 1000).toFixed(1)} s (retry ${attempt + 1} of ${policy.maxRetries}).`);
      await new Promise((r) => setTimeout(r, delay));
      for (const client of clients()) {
        // A failed reconnect is one more failed attempt: the next round of the loop tries again.
        await reconnect(client, o.config.connect_timeout_seconds * 1000, o.config.db).catch(() => undefined);
      }
    }
  };
}
