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
  head: (key, _start, _window, ctx) => [
    ['ttl', key],
    ['strlen', key],
    // One byte past the limit tells an oversized value without fetching all of it.
    ['getrange', key, 0, ctx.maxValueBytes],
  ],
  parseHead(key, replies, _start, _window, ctx) {
    const ttl = ttlOf(replies[0][1]);
    if (replies.some(([err]) => err !== null) || ttl === 'gone') return null;
    const length = Number(replies[1][1]);
    const row = new Row().bytes('key_name', key);
    row.limitedBytes('value', replies[2][1] as Buffer, ctx.maxValueBytes);
    row.set('value_length', length).set('ttl_seconds', ttl).set('scanned_at', ctx.scannedAt);
    return { rows: [row.finish()], next: null, position: null };
  },
};
