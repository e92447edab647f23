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
 * Trimming (MAXLEN/MINID) removes the oldest entries: a first entry after the saved ID means everything
 * between them is gone. Redis 7 counts deletions (entries-added − length) but not per ID range, so the
 * count is an upper bound; XDEL after the saved ID shows in max-deleted-entry-id. Before Redis 7 only
 * the first entry tells, without a count.
 */
export function trimWarning(name: string, saved: string, info: unknown): string | undefined {
  const f = infoFields(info);
  const first = f.get('first-entry');
  const firstId = Array.isArray(first) && first.length > 0 ? String(first[0]) : undefined;
  const lastId = text(f.get('last-generated-id'));
  const maxDeleted = text(f.get('max-deleted-entry-id'));
  const added = Number(f.get('entries-added'));
  const deleted = Number.isFinite(added) ? added - Number(f.get('length')) : undefined;
  const key = JSON.stringify(name).slice(0, 120);
  const count = deleted === undefined ? 'this server does not count deleted entries (Redis 7 does)' : `up to ${deleted} entries were lost (Redis counts ${deleted} deleted from this stream in all)`;
  const trimmedPast = firstId ? compareEntryIds(firstId, saved) > 0 : lastId !== undefined && isEntryId(lastId) && compareEntryIds(lastId, saved) > 0;
  if (trimmedPast) {
    const from = firstId ? `the oldest entry still there, ${firstId}` : 'the next entry added (the stream is now empty)';
    return `Stream key ${key}: the stream was trimmed past the saved entry ID ${saved}; the read continues from ${from}. Entries between them were never read: ${count}.`;
  }
  if (maxDeleted !== undefined && isEntryId(maxDeleted) && compareEntryIds(maxDeleted, saved) > 0) {
    return `Stream key ${key}: entries after the saved entry ID ${saved} were deleted (XDEL) before this sync read them, the last one ${maxDeleted}: ${count}.`;
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
