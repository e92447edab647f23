import { Row } from '../encoding.js';
import type { KeyTable, RowContext } from './types.js';
import { ttlOf } from './types.js';

const ttls = new WeakMap<Buffer, number | null>();

function row(key: Buffer, value: Buffer | null, length: number, ttl: number | null, ctx: RowContext): Row {
  const r = new Row().bytes('key_name', key);
  if (value === null) r.nulled('value', 'SOURCE_FIELD_SIZE_LIMITATION');
  else r.bytes('value', value);
  return r.set('value_length', length).set('ttl_seconds', ttl).set('scanned_at', ctx.scannedAt).finish();
}

/**
 * Two commands per key: TTL and GETRANGE 0..limit instead of GET, so a value over max_value_bytes is never
 * pulled whole into memory. Only such a value costs a further STRLEN (as a second window) for value_length.
 */
export const strings: KeyTable = {
  name: 'strings',
  redisType: 'string',
  // TTL last: a missing key reads as "" through GETRANGE, so a key that expired or was deleted while its
  // pipeline ran must still show as gone, never as an empty-string phantom row.
  head: (key, _start, _window, ctx) => [
    // One byte past the limit tells an oversized value without fetching all of it.
    ['getrange', key, 0, ctx.maxValueBytes],
    ['ttl', key],
  ],
  parseHead(key, replies, _start, _window, ctx) {
    const ttl = ttlOf(replies[1][1]);
    if (replies[0][0] || replies[1][0] || ttl === 'gone') return null;
    const value = replies[0][1] as Buffer;
    if (value.length > ctx.maxValueBytes) {
      ttls.set(key, ttl);
      return { rows: [], next: 0, position: 0 };
    }
    return { rows: [row(key, value, value.length, ttl, ctx)], next: null, position: null };
  },
  next: (key) => ['strlen', key],
  parseNext: (key, reply, _position, _window, ctx) => ({
    rows: [row(key, null, Number(reply), ttls.get(key) ?? null, ctx)],
    next: null,
    position: null,
  }),
};
