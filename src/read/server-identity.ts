// SCAN, HSCAN and SSCAN cursors only mean something to the server process that issued them: its hash
// seed is random per start, so after a restart or failover a saved cursor would skip keys.
import type { Redis } from 'ioredis';
import { retryable, type Step } from '../redis/retry.js';

/** Thrown by a guarded step when the server behind a key space is no longer the one the cursor came from. */
export class ServerChanged extends Error {
  constructor(readonly before: string, readonly after: string) {
    super(`the server restarted or failed over (run_id ${before.slice(0, 8)}… is now ${after.slice(0, 8)}…)`);
  }
}

/**
 * INFO server's run_id, or undefined where INFO is not permitted (it is @dangerous in ACL terms).
 * Connection failures are thrown, so the step around it retries instead of skipping the check.
 */
export async function runId(client: Redis): Promise<string | undefined> {
  try {
    return /run_id:(\w+)/.exec(String(await client.info('server')))?.[1];
  } catch (e) {
    if (retryable(e)) throw e;
    return undefined;
  }
}

/**
 * Wraps a step for one key space: after the client reconnected, the next round trip first asks who
 * the server is, and throws ServerChanged when it is another process, so the walk starts over.
 */
export function guardIdentity(client: Redis, identity: string | undefined, step: Step): Step {
  let checked = connections(client);
  return (what, fn) =>
    step(what, async () => {
      if (identity !== undefined && connections(client) !== checked) {
        const seen = connections(client);
        const now = await runId(client);
        checked = seen;
        if (now !== undefined && now !== identity) throw new ServerChanged(identity, now);
      }
      return fn();
    });
}

const readyCounts = new WeakMap<Redis, { n: number }>();

/** How many times the client has (re)connected since we first looked: one listener per client. */
function connections(client: Redis): number {
  let c = readyCounts.get(client);
  if (!c) {
    const counter = { n: 0 };
    client.on('ready', () => counter.n++);
    readyCounts.set(client, counter);
    c = counter;
  }
  return c.n;
}
