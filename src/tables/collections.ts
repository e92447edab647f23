// hashes, sets, lists, sorted_sets: one generic shape, windowed by HSCAN/SSCAN cursor or LRANGE/ZRANGE index.
import { fixedColumns, type JsonBytes, jsonBytes, Row, score } from '../encoding.js';
import type { Command, KeyTable, Replies, RowContext, Window } from './types.js';
import { ttlOf } from './types.js';

/** What every row of one key shares: its name encoded once, TTL, length, and elements read so far. */
interface KeyMeta {
  name: JsonBytes;
  ttl: number | null;
  size: number;
  read: number;
}

/** One window's rows start from the key name; `tail` holds the columns equal on all of them. */
interface Shared {
  meta: KeyMeta;
  tail: string;
  ctx: RowContext;
}

const base = (s: Shared) => new Row().encoded('key_name', s.meta.name);

/** A failed reply (WRONGTYPE after a type change) or a vanished key yields no rows for that key. */
function failed(replies: Replies): boolean {
  return replies.some(([err]) => err !== null);
}

function keyMeta(key: Buffer, ttl: number | null, size: number): KeyMeta {
  return { name: jsonBytes(key), ttl, size, read: 0 };
}

// ---- scanned collections (hash, set): the cursor is the window position
function scanned(
  name: string,
  redisType: string,
  scanCommand: string,
  sizeCommand: string | undefined,
  tail: (meta: KeyMeta, ctx: RowContext) => string,
  toRows: (s: Shared, items: Buffer[]) => Row[],
): KeyTable {
  const scan = (key: Buffer, cursor: string, window: number): Command => [scanCommand, key, cursor, 'COUNT', window];
  const parse = (reply: unknown, meta: KeyMeta, ctx: RowContext): Window => {
    const [cursor, items] = reply as [Buffer, Buffer[]];
    const next = cursor.toString();
    const rows = toRows({ meta, tail: tail(meta, ctx), ctx }, items);
    meta.read += rows.length;
    const remaining = sizeCommand ? Math.max(0, meta.size - meta.read) : undefined;
    return { rows, next: next === '0' ? null : next, position: next, remaining };
  };
  const metas = new WeakMap<Buffer, KeyMeta>();
  return {
    name,
    redisType,
    head: (key, start, window) => [
      ['ttl', key],
      ...(sizeCommand ? [[sizeCommand, key] as Command] : []),
      scan(key, String(start ?? '0'), window),
    ],
    parseHead(key, replies, _start, _window, ctx) {
      const ttl = ttlOf(replies[0][1]);
      if (failed(replies) || ttl === 'gone') return null;
      const meta = keyMeta(key, ttl, sizeCommand ? Number(replies[1][1]) : 0);
      metas.set(key, meta);
      return parse(replies[replies.length - 1][1], meta, ctx);
    },
    next: (key, position, window) => scan(key, String(position), window),
    parseNext: (key, reply, _position, _window, ctx) => parse(reply, metas.get(key) ?? keyMeta(key, null, 0), ctx),
  };
}

export const hashes = scanned(
  'hashes',
  'hash',
  'hscan',
  undefined,
  (meta, ctx) => fixedColumns({ ttl_seconds: meta.ttl, scanned_at: ctx.scannedAt }),
  (s, items) => {
    const rows: Row[] = new Array(items.length >> 1);
    for (let i = 0; i + 1 < items.length; i += 2) {
      rows[i >> 1] = base(s)
        .bytes('field', items[i])
        .limitedBytes('value', items[i + 1], s.ctx.maxValueBytes)
        .columns(s.tail)
        .finish();
    }
    return rows;
  },
);

export const sets = scanned(
  'sets',
  'set',
  'sscan',
  'scard',
  (meta, ctx) => fixedColumns({ set_cardinality: meta.size, ttl_seconds: meta.ttl, scanned_at: ctx.scannedAt }),
  (s, items) => items.map((m) => base(s).limitedBytes('member', m, s.ctx.maxValueBytes).columns(s.tail).finish()),
);

// ---- ranged collections (list, zset): the window position is an index
function ranged(
  name: string,
  redisType: string,
  sizeCommand: string,
  range: (key: Buffer, from: number, to: number) => Command,
  perElement: number,
  tail: (meta: KeyMeta, ctx: RowContext) => string,
  toRow: (s: Shared, items: Buffer[], at: number, index: number) => Row,
): KeyTable {
  const metas = new WeakMap<Buffer, KeyMeta>();
  const parse = (reply: unknown, from: number, window: number, meta: KeyMeta, ctx: RowContext): Window => {
    const items = reply as Buffer[];
    const count = items.length / perElement;
    const rows: Row[] = new Array(count);
    const s: Shared = { meta, tail: tail(meta, ctx), ctx };
    for (let i = 0; i < count; i++) rows[i] = toRow(s, items, i * perElement, from + i);
    const next = from + count;
    return { rows, next: count < window ? null : next, position: next, remaining: Math.max(0, meta.size - next) };
  };
  return {
    name,
    redisType,
    head: (key, start, window) => {
      const from = Number(start ?? 0);
      return [['ttl', key], [sizeCommand, key], range(key, from, from + window - 1)];
    },
    parseHead(key, replies, start, window, ctx) {
      const ttl = ttlOf(replies[0][1]);
      if (failed(replies) || ttl === 'gone') return null;
      const meta = keyMeta(key, ttl, Number(replies[1][1]));
      metas.set(key, meta);
      return parse(replies[2][1], Number(start ?? 0), window, meta, ctx);
    },
    next: (key, position, window) => range(key, Number(position), Number(position) + window - 1),
    parseNext: (key, reply, position, window, ctx) =>
      parse(reply, Number(position), window, metas.get(key) ?? keyMeta(key, null, 0), ctx),
  };
}

export const lists = ranged(
  'lists',
  'list',
  'llen',
  (key, from, to) => ['lrange', key, from, to],
  1,
  (meta, ctx) => fixedColumns({ list_length: meta.size, ttl_seconds: meta.ttl, scanned_at: ctx.scannedAt }),
  (s, items, at, index) =>
    base(s).set('list_index', index).limitedBytes('value', items[at], s.ctx.maxValueBytes).columns(s.tail).finish(),
);

export const sortedSets = ranged(
  'sorted_sets',
  'zset',
  'zcard',
  (key, from, to) => ['zrange', key, from, to, 'WITHSCORES'],
  2,
  (meta, ctx) => fixedColumns({ zset_cardinality: meta.size, ttl_seconds: meta.ttl, scanned_at: ctx.scannedAt }),
  (s, items, at, index) => {
    const row = base(s).limitedBytes('member', items[at], s.ctx.maxValueBytes);
    const sc = score(items[at + 1].toString('latin1'));
    // +inf/-inf have no JSON number: null, and the change is said in meta.changes.
    if (sc === null) row.nulled('score', 'SOURCE_SERIALIZATION_ERROR');
    else row.set('score', sc);
    return row.set('rank', index).columns(s.tail).finish();
  },
);
