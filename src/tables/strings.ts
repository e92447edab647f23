import { Row } from '../encoding.js';
import type { KeyTable } from './types.js';
import { ttlOf } from './types.js';

/**
 * GETRANGE 0..limit instead of GET: a value over max_value_bytes is never pulled whole into memory;
 * STRLEN gives its true length for value_length.
 */
export const strings: KeyTable = {
  name: 'strings',
  redisType: 'string',
  // TTL last: a missing key reads as "" through STRLEN/GETRANGE, so a key that expired or was deleted
  // while its pipeline ran must still show as gone, never as an empty-string phantom row.
  head: (key, _start, _window, ctx) => [
    ['strlen', key],
    // One byte past the limit tells an oversized value without fetching all of it.
    ['getrange', key, 0, ctx.maxValueBytes],
    ['ttl', key],
  ],
  parseHead(key, replies, _start, _window, ctx) {
    const ttl = ttlOf(replies[2][1]);
    if (replies.some(([err]) => err !== null) || ttl === 'gone') return null;
    const length = Number(replies[0][1]);
    const row = new Row().bytes('key_name', key);
    row.limitedBytes('value', replies[1][1] as Buffer, ctx.maxValueBytes);
    row.set('value_length', length).set('ttl_seconds', ttl).set('scanned_at', ctx.scannedAt);
    return { rows: [row.finish()], next: null, position: null };
  },
};
