import { Row } from '../encoding.js';
import type { KeyTable, Replies, RowContext } from './types.js';
import { ttlOf } from './types.js';

// OBJECT subcommands rather than DEBUG OBJECT: DEBUG is disabled on most servers.
// In the order head() sends them, after TYPE and TTL.
const METADATA: { column: string; label: string }[] = [
  { column: 'memory_bytes', label: 'MEMORY USAGE' },
  { column: 'encoding', label: 'OBJECT ENCODING' },
  { column: 'refcount', label: 'OBJECT REFCOUNT' },
  { column: 'idle_time_seconds', label: 'OBJECT IDLETIME' },
];

/** The server refuses the command itself (ACL, renamed or disabled), not this one key. */
function refused(err: Error): boolean {
  return /NOPERM|unknown command|unknown subcommand|ERR .*disabled/i.test(err.message);
}

function metadataValue(column: string, reply: unknown): unknown {
  if (reply === null || reply === undefined) return null;
  if (column === 'encoding') return Buffer.isBuffer(reply) ? reply.toString() : String(reply);
  return Number(reply);
}

export const keys: KeyTable = {
  name: 'keys',
  // A refused command is still sent for every key (its error reply costs the server no more than a
  // placeholder would) so every key's replies sit at the same positions.
  head: (key) => [
    ['type', key],
    ['ttl', key],
    ['memory', 'usage', key],
    ['object', 'encoding', key],
    ['object', 'refcount', key],
    ['object', 'idletime', key],
  ],
  parseHead(key, replies: Replies, _start, _window, ctx: RowContext) {
    const [typeErr, type] = replies[0];
    const ttl = ttlOf(replies[1][1]);
    const keyType = typeErr ? 'none' : String(type);
    if (keyType === 'none' || ttl === 'gone') return null;
    const row = new Row().bytes('key_name', key).set('key_type', keyType).set('ttl_seconds', ttl);
    for (let i = 0; i < METADATA.length; i++) {
      const m = METADATA[i];
      const [err, reply] = replies[i + 2];
      if (err && refused(err) && !ctx.disabled.has(m.label)) {
        ctx.disabled.add(m.label);
        ctx.warn(`${m.label} is not permitted on this server (${err.message}); column ${m.column} of the keys table is null.`);
      }
      // OBJECT IDLETIME errors under an LFU maxmemory-policy: null, not a failure.
      row.set(m.column, err ? null : metadataValue(m.column, reply));
    }
    return { rows: [row.set('scanned_at', ctx.scannedAt).finish()], next: null, position: null };
  },
};

