import type { Redis } from 'ioredis';
import type { Command, Replies } from '../tables/types.js';

/** Sends commands in one round trip, binary-safe (every bulk reply is a Buffer). */
export async function pipelined(client: Redis, commands: Command[]): Promise<Replies> {
  const p = client.pipeline();
  for (const [name, ...args] of commands) p.callBuffer(name, ...args);
  const replies = (await p.exec()) as Replies | null;
  if (!replies) throw new Error('Connection is closed.');
  return replies;
}

/** Errors that mean the connection, not the key, failed: the whole step is retried. */
export function connectionFailure(replies: Replies): Error | undefined {
  for (const [err] of replies) {
    if (err && isConnectionError(err)) return err;
  }
  return undefined;
}

export function isConnectionError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return (
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN/.test(code) ||
    /Connection is closed|Command timed out|LOADING|BUSY |TRYAGAIN|CLUSTERDOWN|MASTERDOWN|max retries|Stream isn't writeable|write EPIPE|read ECONNRESET/i.test(
      err.message,
    )
  );
}
