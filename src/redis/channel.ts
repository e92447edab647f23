import type { Redis } from 'ioredis';
import RedisParser from 'redis-parser';
import type { Socket } from 'node:net';
import type { Command, Replies } from '../tables/types.js';
import { ServerChanged, runId as runIdOf } from '../read/server-identity.js';
import { isConnectionError, pipelined } from './pipeline.js';
import { encodeCommands } from './resp.js';

interface Batch {
  replies: Replies;
  expected: number;
  resolve(replies: Replies): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * The read path's pipeline: a duplicate of the key space's client (same address, TLS, AUTH and db, set up by
 * ioredis), whose socket then carries whole batches as one RESP write and one parse. ioredis spends several
 * microseconds and a promise and timer per command (about 130k commands/s here); this carries millions.
 * Batches are answered in order, several may be in flight. Falls back to ioredis pipelines if the socket
 * cannot be taken over.
 */
export class Channel {
  private dup: Redis | undefined;
  private socket: Socket | undefined;
  private pending: Batch[] = [];
  private opening: Promise<void> | undefined;
  private broken: Error | undefined;
  private fallback = false;
  private closed = false;
  /** The server process the first connection reached (INFO run_id), where INFO is permitted. */
  private runId: string | undefined;
  private opened = 0;

  constructor(private readonly client: Redis) {}

  async send(commands: Command[]): Promise<Replies> {
    // A request sent ahead by a walk that has ended must not open a connection nobody closes.
    if (this.closed) throw new Error('The read that opened this channel has ended.');
    if (commands.length === 0) return [];
    if (!this.fallback && (!this.socket || this.broken)) await (this.opening ??= this.open().finally(() => (this.opening = undefined)));
    if (this.fallback || !this.socket) return pipelined(this.client, commands);
    const socket = this.socket;
    return new Promise<Replies>((resolve, reject) => {
      const batch: Batch = { replies: [], expected: commands.length, resolve, reject };
      const timeout = this.client.options.commandTimeout;
      if (timeout) batch.timer = setTimeout(() => this.fail(new Error('Command timed out')), timeout);
      this.pending.push(batch);
      socket.write(encodeCommands(commands));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Not a connection error: a request still in flight is not retried, it just ends.
    this.fail(new Error('The read that opened this channel has ended.'));
    this.dup?.disconnect();
    this.dup = undefined;
  }

  private async open(): Promise<void> {
    this.dup?.disconnect();
    this.socket = undefined;
    this.broken = undefined;
    try {
      this.socket = await this.takeOver();
      if (this.closed) {
        this.dup?.disconnect();
        throw new Error('The read that opened this channel has ended.');
      }
    } catch (e) {
      this.dup?.disconnect();
      // A server that is down or slow fails this step (the step retries); a server that will not give us
      // a second connection (maxclients, a one-connection tunnel…) still has the client's own pipelines.
      if (this.closed || e instanceof ServerChanged || isConnectionError(e as Error) || /ETIMEDOUT|ECONNREFUSED/.test((e as Error).message)) throw e;
      this.fallback = true;
    }
  }

  /** A second connection like the client's, in the same database, whose socket is then read by us. */
  private async takeOver(): Promise<Socket> {
    // The database the client is in now (it may have SELECTed after connecting), not the one in its options.
    const client = this.client as unknown as { condition?: { select?: number } };
    const db = Number(client.condition?.select ?? this.client.options.db ?? 0);
    const dup = this.client.duplicate({ lazyConnect: true, db: 0 });
    dup.on('error', () => undefined);
    this.dup = dup;
    await dup.connect();
    // One answered round trip: AUTH (and SELECT) are done and nothing of ioredis's is in flight.
    if (db !== 0) await dup.select(db);
    else await dup.ping().catch((e: Error) => { if (e.name !== 'ReplyError') throw e; });
    const socket = (dup as unknown as { stream?: Socket }).stream;
    if (!socket || typeof socket.write !== 'function') throw new Error('no socket to take over');
    // A reconnect that reaches another server process (restart, failover) voids every cursor held.
    const now = await runIdOf(dup);
    if (this.opened++ === 0) this.runId = now;
    else if (this.runId !== undefined && now !== undefined && now !== this.runId) throw new ServerChanged(this.runId, now);
    socket.removeAllListeners('data');
    const parser = new RedisParser({
      returnBuffers: true,
      returnReply: (reply) => this.reply(null, reply),
      returnError: (err) => this.reply(err, null),
      returnFatalError: (err) => this.fail(err),
    });
    socket.on('data', (data: Buffer) => parser.execute(data));
    // Events of a socket already replaced (after a reconnect) must not fail the new one's batches.
    socket.once('close', () => this.socket === socket && this.fail(new Error('Connection is closed.')));
    socket.on('error', (err) => this.socket === socket && this.fail(err));
    return socket;
  }

  private reply(err: Error | null, value: unknown): void {
    const batch = this.pending[0];
    if (!batch) return this.fail(new Error('Connection is closed. (unexpected reply)'));
    batch.replies.push([err, value]);
    if (batch.replies.length === batch.expected) {
      this.pending.shift();
      if (batch.timer) clearTimeout(batch.timer);
      batch.resolve(batch.replies);
    }
  }

  /** A broken connection fails every batch in flight; the next send opens a new one (step retries). */
  private fail(err: Error): void {
    if (this.socket) this.broken = err;
    this.socket?.destroy();
    const pending = this.pending;
    this.pending = [];
    for (const b of pending) {
      if (b.timer) clearTimeout(b.timer);
      b.reject(err);
    }
  }
}
