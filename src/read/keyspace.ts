import type { Row } from '../encoding.js';
import { stateKey } from '../encoding.js';
import type { KeySpace } from '../redis/client.js';
import { connectionFailure, pipelined } from '../redis/pipeline.js';
import { refusal, refusalIn } from '../redis/permissions.js';
import { KeyScanner, type ScanPage } from '../redis/scan.js';
import type { Command, KeyPosition, KeyTable, RowContext } from '../tables/types.js';
import { type KeyChange, keyChange } from './changes.js';

export type ReadEvent =
  | { kind: 'rows'; rows: Row[] }
  /** After each window of a key: where that key stands, inside the page that starts at pageCursor. */
  | { kind: 'key'; key: string; position: KeyPosition | null; more: boolean; pageCursor: string }
  /** After each SCAN page: the cursor of the next one ("0" when the key space is done). */
  | { kind: 'page'; next: string }
  /** A key SCAN returned but that was gone or of another type when read. */
  | { kind: 'vanished'; key: string; change?: KeyChange };

export interface ScanStart {
  cursor: string;
  /** Resume inside this key (state-key form) of the page at `cursor`. */
  key?: string;
  position?: KeyPosition;
}

export interface KeySpaceRead {
  space: KeySpace;
  table: KeyTable;
  pattern: string;
  batchSize: number;
  ctx: RowContext;
  start: ScanStart;
  /** Where to start inside a key (incremental streams: after the saved entry ID). */
  startFor?: (key: string) => KeyPosition | undefined;
  /** Where keys come from; default: SCAN on the space's client. */
  pages?: { page(cursor: string): Promise<ScanPage> };
  /** Runs one Redis round trip; the fault-tolerance layer retries it. */
  step?: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

const direct = <T>(_what: string, fn: () => Promise<T>) => fn();

async function checked(space: KeySpace, commands: Command[], table: string) {
  const replies = space.pipeline ? await space.pipeline(commands) : await pipelined(space.client, commands);
  const failure = connectionFailure(replies) ?? refusalIn(commands, replies, table);
  if (failure) throw failure;
  return replies;
}

/**
 * Walks one key space with an explicit SCAN cursor: each page's keys are read in one pipeline
 * (metadata and first window), then large keys window by window. Events say where the read stands
 * after every window and page, so the caller can checkpoint and a later run resume.
 */
export async function* readKeySpace(r: KeySpaceRead): AsyncGenerator<ReadEvent> {
  const { space, table, ctx } = r;
  const step = r.step ?? direct;
  const scanner = r.pages ?? new KeyScanner(space.client, r.pattern, r.batchSize, table.redisType);
  let cursor = r.start.cursor;
  let resume = r.start.key === undefined ? undefined : { key: r.start.key, position: r.start.position };
  do {
    const pageCursor = cursor;
    const page = await step('SCAN', () =>
      scanner.page(pageCursor).catch((e: Error) => {
        throw refusal('scan', e, table.name) ?? e;
      }),
    );
    // Cluster: keys of slots another shard serves are that shard's to emit.
    const keys = space.keep ? page.keys.filter((k) => space.keep!(k)) : page.keys;
    const names = keys.map(stateKey);
    // Resuming: the whole page is read again (at least once: a rehash may have reordered it), and the
    // key the checkpoint was inside continues from its saved position. A page without it is read whole.
    const resumeIndex = resume ? names.indexOf(resume.key) : -1;
    const resumeAt = resume?.position;
    resume = undefined;
    ctx.scannedAt = Math.floor(Date.now() / 1000);
    const starts = names.map((n, i) => (i === resumeIndex && resumeAt !== undefined ? resumeAt : r.startFor?.(n)));
    const heads = keys.map((k, i) => table.head(k, starts[i], r.batchSize, ctx));
    const replies = await step(`read of ${keys.length} keys`, () => checked(space, heads.flat(), table.name));
    let at = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const mine = replies.slice(at, at + heads[i].length);
      at += heads[i].length;
      let window = table.parseHead(key, mine, starts[i], r.batchSize, ctx);
      if (window === null) {
        // The keys table tolerates refused metadata commands (null columns): only its TYPE and TTL decide.
        yield { kind: 'vanished', key: names[i], change: keyChange(table.redisType ? mine : mine.slice(0, 2), names[i]) };
        continue;
      }
      for (;;) {
        if (window.rows.length > 0) yield { kind: 'rows', rows: window.rows };
        yield { kind: 'key', key: names[i], position: window.position, more: window.next !== null, pageCursor };
        const next = window.next;
        if (next === null || !table.next || !table.parseNext) break;
        const command = table.next(key, next, r.batchSize);
        const reply = await step(`read of ${names[i]}`, () => checked(space, [command], table.name));
        if (reply[0][0]) {
          // The key changed type mid-read: what was read stays, no phantom rows.
          yield { kind: 'vanished', key: names[i], change: keyChange(reply, names[i], true) };
          break;
        }
        window = table.parseNext(key, reply[0][1], next, r.batchSize, ctx);
      }
    }
    yield { kind: 'page', next: page.next };
    cursor = page.next;
  } while (cursor !== '0');
}
