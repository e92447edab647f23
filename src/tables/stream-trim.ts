// A stream trimmed past the saved entry ID: the read goes on from the oldest entry left, and says what was lost.
import { stateKey } from '../encoding.js';
import { compareEntryIds, isEntryId } from './entry-id.js';
import type { KeyTable, RowContext } from './types.js';

const XINFO = 'XINFO STREAM';

/** XINFO STREAM's flat [name, value, …] reply as a map. */
function infoFields(reply: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const items = Array.isArray(reply) ? reply : [];
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(items[i]), items[i + 1]);
  return out;
}

function text(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

/**
 * Redis 7 counts what the server deleted: max-deleted-entry-id after the saved ID means entries the
 * sync never read are gone. entries-added − length is every entry deleted from the stream, an upper
 * bound on those lost (Redis keeps no count per ID range). Before Redis 7 only the first entry tells.
 */
export function trimWarning(name: string, saved: string, info: unknown): string | undefined {
  const f = infoFields(info);
  const first = f.get('first-entry');
  const firstId = Array.isArray(first) && first.length > 0 ? String(first[0]) : undefined;
  const from = firstId ? `the oldest entry still there, ${firstId}` : 'the next entry added (the stream is empty)';
  const maxDeleted = text(f.get('max-deleted-entry-id'));
  const key = JSON.stringify(name).slice(0, 120);
  if (maxDeleted !== undefined && isEntryId(maxDeleted)) {
    if (compareEntryIds(maxDeleted, saved) <= 0) return undefined;
    const added = Number(f.get('entries-added'));
    const length = Number(f.get('length'));
    const deleted = added - length;
    return (
      `Stream key ${key}: entries after the saved entry ID ${saved} were trimmed or deleted before this sync read them ` +
      `(the last deleted is ${maxDeleted}); the read continues from ${from}. Redis counts ${deleted} entries deleted ` +
      `from this stream in all (entries-added ${added}, length ${length}); up to ${deleted} entries were lost to this sync.`
    );
  }
  if (firstId && compareEntryIds(firstId, saved) > 0) {
    return (
      `Stream key ${key}: the stream was trimmed past the saved entry ID ${saved}; the read continues from ${from}. ` +
      `Entries between them may have been lost (this server does not count deleted entries; Redis 7 does).`
    );
  }
  return undefined;
}

/**
 * Wraps the streams table: a key read from a saved entry ID also gets XINFO STREAM in the same pipeline
 * (no extra round trip). XINFO is @slow @read; where it is refused, the warning goes out once and reads go on.
 */
export function trimAware(table: KeyTable): KeyTable {
  const asked = new WeakSet<Buffer>();
  return {
    ...table,
    head(key, start, window, ctx) {
      const commands = table.head(key, start, window, ctx);
      if (start === undefined || ctx.disabled.has(XINFO)) return commands;
      asked.add(key);
      return [...commands, ['xinfo', 'stream', key]];
    },
    parseHead(key, replies, start, window, ctx: RowContext) {
      if (!asked.has(key)) return table.parseHead(key, replies, start, window, ctx);
      asked.delete(key);
      const [err, info] = replies[replies.length - 1];
      const read = table.parseHead(key, replies.slice(0, -1), start, window, ctx);
      if (read === null) return null;
      if (err) {
        if (!ctx.disabled.has(XINFO)) {
          ctx.disabled.add(XINFO);
          ctx.warn(`XINFO STREAM was refused (${err.message}): streams trimmed past their saved entry ID are read from their oldest entry without a count of lost entries.`);
        }
        return read;
      }
      const warning = trimWarning(stateKey(key), String(start), info);
      if (warning) ctx.warn(warning);
      return read;
    },
  };
}
