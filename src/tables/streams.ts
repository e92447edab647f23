import { jsonBytes, Row, streamFieldsColumn } from '../encoding.js';
import type { Command, KeyPosition, KeyTable, RowContext, Window } from './types.js';
import { ttlOf } from './types.js';
import { nextEntryId } from './entry-id.js';

const ttls = new WeakMap<Buffer, number | null>();

/** XRANGE from the entry after `after` (exclusive, computed so it works before Redis 6.2's "(" syntax). */
function range(key: Buffer, after: KeyPosition | undefined, window: number): Command {
  const from = after === undefined ? '-' : nextEntryId(String(after));
  return ['xrange', key, from ?? '+', '+', 'COUNT', window];
}

function parse(key: Buffer, reply: unknown, after: KeyPosition | undefined, window: number, ctx: RowContext): Window {
  const entries = (reply ?? []) as [Buffer, Buffer[]][];
  const ttl = ttls.get(key) ?? null;
  const rows: Row[] = new Array(entries.length);
  const name = jsonBytes(key);
  const ttlJson = String(ttl);
  let last: string | undefined;
  for (let i = 0; i < entries.length; i++) {
    const [idBuf, pairs] = entries[i];
    const id = idBuf.toString();
    last = id;
    const dash = id.indexOf('-');
    const ms = Number(id.slice(0, dash));
    const seq = Number(id.slice(dash + 1));
    const f = streamFieldsColumn(pairs ?? []);
    const row = new Row().encoded('key_name', name).raw('entry_id', '"' + id + '"');
    if (f.length > ctx.maxValueBytes) row.nulled('fields', 'SOURCE_FIELD_SIZE_LIMITATION');
    else row.raw('fields', f.token);
    if (f.base64) row.markBase64('fields');
    // IDs are 64-bit; past 2^53 a JSON number would silently change, so say so instead.
    if (Number.isSafeInteger(ms)) row.set('timestamp_ms', ms);
    else row.nulled('timestamp_ms', 'SOURCE_SERIALIZATION_ERROR');
    if (Number.isSafeInteger(seq)) row.set('sequence', seq);
    else row.nulled('sequence', 'SOURCE_SERIALIZATION_ERROR');
    rows[i] = row.raw('ttl_seconds', ttlJson).finish();
  }
  const position = last ?? (after === undefined ? null : after);
  return { rows, next: entries.length < window || last === undefined ? null : last, position };
}

export const streams: KeyTable = {
  name: 'streams',
  redisType: 'stream',
  head: (key, start, window) => [['ttl', key], range(key, start, window)],
  parseHead(key, replies, start, window, ctx) {
    const ttl = ttlOf(replies[0][1]);
    if (replies.some(([err]) => err !== null) || ttl === 'gone') return null;
    ttls.set(key, ttl);
    return parse(key, replies[1][1], start, window, ctx);
  },
  next: (key, position, window) => range(key, position, window),
  parseNext: (key, reply, position, window, ctx) => parse(key, reply, position, window, ctx),
};
