// One SCAN page's keys turned into events: rows gathered across keys read in one window, large keys
// window by window with the next window asked for before this one is encoded.
import type { Row } from '../encoding.js';
import type { Command, KeyPosition, Replies } from '../tables/types.js';
import { keyChange } from './changes.js';
import type { KeySpaceRead, ReadEvent } from './keyspace.js';
import type { ScanPage } from '../redis/scan.js';

/** One SCAN page with its head pipeline, and the SCAN of the next page, in flight. */
export interface Fetched {
  pageCursor: string;
  page: ScanPage;
  keys: Buffer[];
  /** State-key form of keys[i], made only where needed (checkpoints, resume), not for every key. */
  name(i: number): string;
  starts: (KeyPosition | undefined)[];
  heads: Command[][];
  /** Elements asked for in each key's first window (the head pipeline). */
  headWindow: number;
  scannedAt: number;
  replies: Promise<Replies>;
  /** The page after this one (undefined at the end), fetched in the same step as the replies. */
  nextPage: Promise<ScanPage | undefined>;
}

export async function* readPage(
  r: KeySpaceRead,
  f: Fetched,
  replies: Replies,
  send: (what: string, commands: Command[]) => Promise<Replies>,
): AsyncGenerator<ReadEvent> {
  const { table, ctx } = r;
  // Incremental reads keep every key's last position, and a cluster's sweep of moved slots skips the keys
  // already emitted; snapshots of a plain server only need positions inside unfinished keys.
  const everyKey = r.startFor !== undefined || r.space.keep !== undefined || r.pages !== undefined;
  // Rows of keys read in one window are gathered per page: one event for many keys, not two per key.
  let rows: Row[] = [];
  let finished: ReadEvent[] = [];
  const flush = function* (): Generator<ReadEvent> {
    if (rows.length > 0) yield { kind: 'rows', rows };
    yield* finished;
    rows = [];
    finished = [];
  };
  let at = 0;
  for (let i = 0; i < f.keys.length; i++) {
    const key = f.keys[i];
    const n = f.heads[i].length;
    const mine = replies.slice(at, at + n);
    at += n;
    let window = table.parseHead(key, mine, f.starts[i], f.headWindow, ctx);
    if (window === null) {
      // The keys table tolerates refused metadata commands (null columns): only its TYPE and TTL decide.
      const name = f.name(i);
      finished.push({ kind: 'vanished', key: name, change: keyChange(table.redisType ? mine : mine.slice(0, 2), name) });
      continue;
    }
    if (window.next === null || !table.next || !table.parseNext) {
      for (const row of window.rows) rows.push(row);
      if (everyKey) finished.push({ kind: 'key', key: f.name(i), position: window.position, more: false, pageCursor: f.pageCursor });
      continue;
    }
    yield* flush();
    const name = f.name(i);
    for (;;) {
      const next = window.next;
      // The next window is asked for before this one is encoded and written.
      const pending = next === null ? undefined : send(`read of ${name}`, [table.next!(key, next, r.batchSize)]);
      if (window.rows.length > 0) yield { kind: 'rows', rows: window.rows };
      yield { kind: 'key', key: name, position: window.position, more: next !== null, pageCursor: f.pageCursor, remaining: window.remaining };
      if (!pending) break;
      const reply = await pending;
      if (reply[0][0]) {
        // The key changed type mid-read: what was read stays, no phantom rows.
        yield { kind: 'vanished', key: name, change: keyChange(reply, name, true) };
        break;
      }
      window = table.parseNext!(key, reply[0][1], next!, r.batchSize, ctx);
    }
  }
  yield* flush();
}
