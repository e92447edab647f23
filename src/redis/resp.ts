// RESP request encoding: a whole batch of commands as one buffer, one socket write.
import type { Command } from '../tables/types.js';

const ASCII = /^[\x00-\x7f]*$/;

/** An argument as a latin1 string: one char per byte, so lengths are byte lengths. */
function bytes(a: string | number | Buffer): string {
  if (typeof a === 'number') return String(a);
  if (typeof a === 'string') return ASCII.test(a) ? a : Buffer.from(a, 'utf8').toString('latin1');
  return a.toString('latin1');
}

/**
 * `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per argument, for every command. Built as one latin1 string
 * and converted once: far cheaper than a write per argument for the many small commands of a page.
 */
export function encodeCommands(commands: Command[]): Buffer {
  let s = '';
  // A key is an argument of several commands in a row (TTL, GETRANGE…): converted once.
  let lastKey: Buffer | undefined;
  let lastText = '';
  for (const c of commands) {
    s += '*' + c.length + '\r\n';
    for (const a of c) {
      let b: string;
      if (a === lastKey) b = lastText;
      else {
        b = bytes(a);
        if (typeof a === 'object') {
          lastKey = a;
          lastText = b;
        }
      }
      s += '$' + b.length + '\r\n' + b + '\r\n';
    }
  }
  return Buffer.from(s, 'latin1');
}
