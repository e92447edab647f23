import { Row } from '../encoding.js';
import type { Command, KeyTable, Replies, RowContext } from './types.js';
import { ttlOf } from './types.js';

// OBJECT subcommands rather than DEBUG OBJECT: DEBUG is disabled on most servers.
const METADATA: { column: string; command: (key: Buffer) => Command; label: string }[] = [
  { column: 'memory_bytes', command: (k) => ['memory', 'usage', k], label: 'MEMORY USAGE' },
  { column: 'encoding', command: (k) => ['object', 'encoding', k], label: 'OBJECT ENCODING' },
  { column: 'refcount', command: (k) => ['object', 'refcount', k], label: 'OBJECT REFCOUNT' },
  { column: 'idle_time_seconds', command: (k) => ['object', 'idletime', k], label: 'OBJECT IDLETIME' },
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

const skipped = new WeakMap<Buffer, Set<string>>();

export const keys: KeyTable = {
  name: 'keys',
    // Commands already refused are not sent again for every key; EXISTS (in @read) keeps reply positions.
  head: (key, _start, _window, ctx) => {
    skipped.set(key, new Set(ctx.disabled));
    return [
      ['type', key],
      ['ttl', key],
      ...METADATA.map((m) => (ctx.disabled.has(m.label) ? (['exists', key] as Command) : m.command(key))),
    ];
  },
  parseHead(key, replies: Replies, _start, _window, ctx: RowContext) {
    const [typeErr, type] = replies[0];
    const ttl = ttlOf(replies[1][1]);
    const keyType = typeErr ? 'none' : String(type);
    if (keyType === 'none' || ttl === 'gone') return null;
    const row = new Row().bytes('key_name', key).set('key_type', keyType).set('ttl_seconds', ttl);
    METADATA.forEach((m, i) => {
      const [err, reply] = replies[i + 2];
      if (err && refused(err) && !ctx.disabled.has(m.label)) {
        ctx.disabled.add(m.label);
        ctx.warn(`${m.label} is not permitted on this server (${err.message}); column ${m.column} of the keys table is null.`);
      }
      // OBJECT IDLETIME errors under an LFU maxmemory-policy: null, not a failure.
      row.set(m.column, err || skipped.get(key)?.has(m.label) ? null : metadataValue(m.column, reply));
    });
    return { rows: [row.set('scanned_at', ctx.scannedAt).finish()], next: null, position: null };
  },
};

