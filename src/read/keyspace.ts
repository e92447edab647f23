import type { Row } from '../encoding.js';
import { stateKey } from '../encoding.js';
import { Channel } from '../redis/channel.js';
import type { KeySpace } from '../redis/client.js';
import { refusal, refusalIn } from '../redis/permissions.js';
import { connectionFailure } from '../redis/pipeline.js';
import { KeyScanner, type ScanPage } from '../redis/scan.js';
import type { Command, KeyPosition, KeyTable, Replies, RowContext } from '../tables/types.js';
import type { KeyChange } from './changes.js';
import { type Fetched, readPage } from './page.js';
import { SerialSteps } from './serial-steps.js';

export type ReadEvent =
  | { kind: 'rows'; rows: Row[] }
  /** After each window of a key: where that key stands, inside the page that starts at pageCursor. */
  | { kind: 'key'; key: string; position: KeyPosition | null; more: boolean; pageCursor: string; remaining?: number }
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

/** A failed connection or a refused command in a batch; looked for only when some reply is an error. */
function failureIn(commands: Command[], replies: Replies, table: string): Error | undefined {
  for (let i = 0; i < replies.length; i++) {
    if (replies[i][0]) return connectionFailure(replies) ?? refusalIn(commands, replies, table);
  }
  return undefined;
}


/** A request sent ahead of need: its failure is handled where it is awaited, not as an unhandled rejection. */
function ahead<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Elements per key, on average, that one head pipeline may ask for: its reply stays within this × batch. */
const HEAD_ELEMENTS_PER_KEY = 16;

/**
 * The first window of each key of a page. A full window for every key of a full page would be batch²
 * elements in one reply; the head asks for at most HEAD_ELEMENTS_PER_KEY × batch in all, and large keys
 * go on in full windows. (Small listpack-encoded hashes and sets come whole whatever COUNT says: the
 * server bounds those.)
 */
export function headWindowFor(keys: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor((HEAD_ELEMENTS_PER_KEY * batchSize) / Math.max(1, keys))));
}


/**
 * Walks one key space with an explicit SCAN cursor: each page's keys are read in one pipeline
 * (metadata and first window), then large keys window by window. Events say where the read stands
 * after every window and page, so the caller can checkpoint and a later run resume.
 *
 * Round trips overlap encoding, a bounded distance ahead: while a page is encoded, the next page's
 * pipeline and the SCAN after it are in flight; while a window is encoded, the next window is.
 */
export async function* readKeySpace(r: KeySpaceRead): AsyncGenerator<ReadEvent> {
  // A space with its own pipeline (a cluster shard following MOVED/ASK, a READONLY replica) keeps it;
  // a plain server is read over a Channel.
  const own = r.space.pipeline;
  const transport: Transport = own
    ? { send: (commands) => own.call(r.space, commands), close: async () => undefined }
    : new Channel(r.space.client);
  const steps = new SerialSteps(r.step ?? direct);
  try {
    yield* walk(r, transport, steps);
  } finally {
    const settled = steps.stop();
    await transport.close();
    await settled;
  }
}

interface Transport {
  send(commands: Command[]): Promise<Replies>;
  close(): Promise<void>;
}

async function* walk(r: KeySpaceRead, channel: Transport, steps: SerialSteps): AsyncGenerator<ReadEvent> {
  const { table, ctx } = r;
  const step = steps.run;
  const rawStep = r.step ?? direct;
  const scanner = r.pages ?? new KeyScanner(r.space.client, r.pattern, r.batchSize, table.redisType);
  const scanPage = (cursor: string) =>
    scanner.page(cursor).catch((e: Error) => {
      throw refusal('scan', e, table.name) ?? e;
    });
  const batch = async (commands: Command[]) => {
    const replies = await channel.send(commands);
    const failure = failureIn(commands, replies, table.name);
    if (failure) throw failure;
    return replies;
  };
  const send = (what: string, commands: Command[]) => ahead(step(what, () => batch(commands)));

  const fetch = (pageCursor: string, page: ScanPage, resume?: { key: string; position?: KeyPosition }): Fetched => {
    // Cluster: keys of slots another shard serves are that shard's to emit.
    const keep = r.space.keep;
    const keys = keep ? page.keys.filter((k) => keep.call(r.space, k)) : page.keys;
    // Resuming: the whole page is read again (at least once: a rehash may have reordered it), and the
    // key the checkpoint was inside continues from its saved position. A page without it is read whole.
    const resumeIndex = resume ? keys.map(stateKey).indexOf(resume.key) : -1;
    const resumeAt = resume?.position;
    const name = (i: number) => stateKey(keys[i]);
    const scannedAt = Math.floor(Date.now() / 1000);
    ctx.scannedAt = scannedAt;
    const startFor = r.startFor;
    const starts = keys.map((k, i) => (i === resumeIndex && resumeAt !== undefined ? resumeAt : startFor?.(stateKey(k))));
    const headWindow = headWindowFor(keys.length, r.batchSize);
    const heads = keys.map((k, i) => table.head(k, starts[i], headWindow, ctx));
    // This page's pipeline and the next page's SCAN (its own step inside) go side by side in one step;
    // both settle before it fails, so its retry never overlaps the SCAN's.
    const both = ahead(
      step(`read of ${keys.length} keys`, async () => {
        const [mine, next] = await Promise.allSettled([
          batch(heads.flat()),
          page.next === '0' ? Promise.resolve(undefined) : rawStep('SCAN', () => scanPage(page.next)),
        ]);
        if (mine.status === 'rejected') throw mine.reason;
        if (next.status === 'rejected') throw next.reason;
        return [mine.value, next.value] as const;
      }),
    );
    const replies = ahead(both.then(([replies]) => replies));
    const nextPage = ahead(both.then(([, next]) => next));
    return { pageCursor, page, keys, name, starts, heads, headWindow, scannedAt, replies, nextPage };
  };

  // While a page is encoded, the next page's pipeline and the SCAN after it are in flight.
  const resume = r.start.key === undefined ? undefined : { key: r.start.key, position: r.start.position };
  const first = await ahead(step('SCAN', () => scanPage(r.start.cursor)));
  let current: Fetched | undefined = fetch(r.start.cursor, first, resume);
  while (current) {
    const replies = await current.replies;
    const nextPage: ScanPage | undefined = await current.nextPage;
    const following: Fetched | undefined = nextPage ? fetch(current.page.next, nextPage) : undefined;
    ctx.scannedAt = current.scannedAt;
    yield* readPage(r, current, replies, send);
    yield { kind: 'page', next: current.page.next };
    current = following;
  }
}
