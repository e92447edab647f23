// hashes, sets, lists, sorted_sets: one generic shape, windowed by HSCAN/SSCAN cursor or LRANGE/ZRANGE index.
import { Row, score } from '../encoding.js';
import type { Command, KeyTable, Replies, RowContext, Window } from './types.js';
import { ttlOf } from './types.js';

interface KeyMeta {
  ttl: number | null;
  size: number;
}

function base(key: Buffer): Row {
  return new Row().bytes('key_name', key);
}

/** A failed reply (WRONGTYPE after a type change) or a vanished key yields no rows for that key. */
function failed(replies: Replies): boolean {
  return replies.some(([err]) => err !== null);
}

// ---- scanned collections (hash, set): the cursor is the window position
function scanned(
  name: string,
  redisType: string,
  scanCommand: string,
  sizeCommand: string | undefined,
  toRows: (key: Buffer, items: Buffer[], meta: KeyMeta, ctx: RowContext) => Row[],
): KeyTable {
  const scan = (key: Buffer, cursor: string, window: number): Command => [scanCommand, key, cursor, 'COUNT', window];
  const parse = (key: Buffer, reply: unknown, meta: KeyMeta, ctx: RowContext): Window => {
    const [cursor, items] = reply as [Buffer, Buffer[]];
    const next = cursor.toString();
    return { rows: toRows(key, items, meta, ctx), next: next === '0' ? null : next, position: next };
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
      const meta = { ttl, size: sizeCommand ? Number(replies[1][1]) : 0 };
      metas.set(key, meta);
      return parse(key, replies[replies.length - 1][1], meta, ctx);
    },
    next: (key, position, window) => scan(key, String(position), window),
    parseNext: (key, reply, _position, _window, ctx) => parse(key, reply, metas.get(key) ?? { ttl: null, size: 0 }, ctx),
  };
}

export const hashes = scanned('hashes', 'hash', 'hscan', undefined, (key, items, meta, ctx) => {
  const rows: Row[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    rows.push(
      base(key)
        .bytes('field', items[i])
        .limitedBytes('value', items[i + 1], ctx.maxValueBytes)
        .set('ttl_seconds', meta.ttl)
        .set('scanned_at', ctx.scannedAt)
        .finish(),
    );
  }
  return rows;
});

export const sets = scanned('sets', 'set', 'sscan', 'scard', (key, items, meta, ctx) =>
  items.map((m) =>
    base(key)
      .limitedBytes('member', m, ctx.maxValueBytes)
      .set('set_cardinality', meta.size)
      .set('ttl_seconds', meta.ttl)
      .set('scanned_at', ctx.scannedAt)
      .finish(),
  ),
);

// ---- ranged collections (list, zset): the window position is an index
function ranged(
  name: string,
  redisType: string,
  sizeCommand: string,
  range: (key: Buffer, from: number, to: number) => Command,
  perElement: number,
  toRow: (key: Buffer, items: Buffer[], at: number, index: number, meta: KeyMeta, ctx: RowContext) => Row,
): KeyTable {
  const metas = new WeakMap<Buffer, KeyMeta>();
  const parse = (key: Buffer, reply: unknown, from: number, window: number, meta: KeyMeta, ctx: RowContext): Window => {
    const items = reply as Buffer[];
    const count = items.length / perElement;
    const rows: Row[] = new Array(count);
    for (let i = 0; i < count; i++) rows[i] = toRow(key, items, i * perElement, from + i, meta, ctx);
    const next = from + count;
    return { rows, next: count < window ? null : next, position: next };
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
      const meta = { ttl, size: Number(replies[1][1]) };
      metas.set(key, meta);
      return parse(key, replies[2][1], Number(start ?? 0), window, meta, ctx);
    },
    next: (key, position, window) => range(key, Number(position), Number(position) + window - 1),
    parseNext: (key, reply, position, window, ctx) =>
      parse(key, reply, Number(position), window, metas.get(key) ?? { ttl: null, size: 0 }, ctx),
  };
}

export const lists = ranged(
  'lists',
  'list',
  'llen',
  (key, from, to) => ['lrange', key, from, to],
  1,
  (key, items, at, index, meta, ctx) =>
    base(key)
      .set('list_index', index)
      .limitedBytes('value', items[at], ctx.maxValueBytes)
      .set('list_length', meta.size)
      .set('ttl_seconds', meta.ttl)
      .set('scanned_at', ctx.scannedAt)
      .finish(),
);

export const sortedSets = ranged(
  'sorted_sets',
  'zset',
  'zcard',
  (key, from, to) => ['zrange', key, from, to, 'WITHSCORES'],
  2,
  (key, items, at, index, meta, ctx) => {
    const row = base(key).limitedBytes('member', items[at], ctx.maxValueBytes);
    const s = score(items[at + 1].toString());
    // +inf/-inf have no JSON number: null, and the change is said in meta.changes.
    if (s === null) row.nulled('score', 'SOURCE_SERIALIZATION_ERROR');
    else row.set('score', s);
    return row
      .set('rank', index)
      .set('zset_cardinality', meta.size)
      .set('ttl_seconds', meta.ttl)
      .set('scanned_at', ctx.scannedAt)
      .finish();
  },
);

