import type { Row } from '../encoding.js';

/** A window position inside one key: list index or zset rank (number), HSCAN/SSCAN cursor or stream entry ID (string). */
export type KeyPosition = number | string;

export type Command = [name: string, ...args: (string | number | Buffer)[]];

/** What a table needs to know while turning keys into rows. */
export interface RowContext {
  scannedAt: number;
  maxValueBytes: number;
  /** Commands (MEMORY USAGE, OBJECT …) the server refused; their columns are null from then on. */
  disabled: Set<string>;
  warn(message: string): void;
}

/** The result of reading one window of a key. `next` is null when the key has no more elements. */
export interface Window {
  rows: Row[];
  next: KeyPosition | null;
  /** Position to checkpoint after these rows (for streams: the last entry ID read). */
  position: KeyPosition | null;
  /** Elements the key holds beyond these rows, when its length is known (for progress estimates). */
  remaining?: number;
}

/** Replies of a pipeline: [error, value] pairs, as ioredis returns them. */
export type Replies = [Error | null, unknown][];

/**
 * How one Redis type becomes rows: the commands sent for every key of a SCAN page in one pipeline
 * (metadata and the first window), and the command for each further window. Collections are read in
 * windows of `window` elements, never whole.
 */
export interface KeyTable {
  name: string;
  /** SCAN TYPE filter; undefined reads every key (the keys table). */
  redisType?: string;
  head(key: Buffer, start: KeyPosition | undefined, window: number, ctx: RowContext): Command[];
  /** Null when the key vanished or changed type between SCAN and read: no phantom rows. */
  parseHead(key: Buffer, replies: Replies, start: KeyPosition | undefined, window: number, ctx: RowContext): Window | null;
  next?(key: Buffer, position: KeyPosition, window: number): Command;
  parseNext?(key: Buffer, reply: unknown, position: KeyPosition, window: number, ctx: RowContext): Window;
}

/** Reading one key's ttl reply: -2 means the key is gone, -1 no expiry. */
export function ttlOf(reply: unknown): number | null | 'gone' {
  const n = Number(reply);
  if (n === -2) return 'gone';
  return n < 0 ? null : n;
}
