import { ConfigError } from '../protocol/errors.js';
import { compareEntryIds, isEntryId } from '../tables/entry-id.js';
import type { KeyPosition } from '../tables/types.js';
import type { ReadEvent, ScanStart } from './keyspace.js';

/** Turns read events into the stream_state blob of a STATE message, and a saved blob into where to start. */
export interface Checkpointer {
  /** Where each key space starts. */
  start(spaceId: string): ScanStart;
  startFor?(key: string): KeyPosition | undefined;
  /** Feeds one event; true when the state moved (a STATE message is worth emitting). */
  apply(spaceId: string, event: ReadEvent): boolean;
  done(spaceId: string): void;
  isDone?(spaceId: string): boolean;
  /** The server behind a key space; true when a saved cursor had to be dropped because it changed. */
  identify?(spaceId: string, server: string | undefined): boolean;
  restart?(spaceId: string): void;
  state(final: boolean): Record<string, unknown>;
}

const COMPLETE = '__ab_full_refresh_sync_complete';

/** SCAN, HSCAN and SSCAN cursors are unsigned 64-bit numbers in decimal. */
function isCursor(v: unknown): boolean {
  return typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) < 1n << 64n;
}

/** What a window position inside a key is, per table: a saved state of the wrong kind is refused up front. */
const POSITIONS: Record<string, string> = {
  hashes: 'an HSCAN cursor string',
  sets: 'an SSCAN cursor string',
  lists: 'a list index',
  sorted_sets: 'a rank',
  streams: 'an entry ID',
};

function positionFits(stream: string, p: unknown): boolean {
  if (stream === 'lists' || stream === 'sorted_sets') return Number.isSafeInteger(p) && (p as number) >= 0;
  if (stream === 'hashes' || stream === 'sets') return isCursor(p);
  if (stream === 'streams') return isEntryId(p);
  return false;
}

interface SpaceState {
  cursor: string;
  key?: string;
  position?: KeyPosition;
  done?: boolean;
  /** run_id of the server the cursor came from: a cursor means nothing to another server process. */
  server?: string;
}

/**
 * Resumable full refresh: one SCAN cursor per key space, and inside a large key the position reached.
 * A completed state starts a new full read (a new job), per Airbyte's resumable full refresh.
 */
export class SnapshotCheckpointer implements Checkpointer {
  private readonly spaces: Record<string, SpaceState> = {};

  constructor(saved: Record<string, unknown> | undefined, stream: string) {
    if (!saved || saved[COMPLETE] === true || saved.scan === undefined) return;
    const scan = saved.scan;
    if (scan === null || typeof scan !== 'object' || Array.isArray(scan)) {
      throw new ConfigError(`Malformed state for stream '${stream}': 'scan' must be an object of SCAN cursors per node.`);
    }
    for (const [id, s] of Object.entries(scan as Record<string, any>)) {
      const ok =
        s && typeof s === 'object' && isCursor(s.cursor) &&
        (s.key === undefined || typeof s.key === 'string') &&
        (s.server === undefined || (typeof s.server === 'string' && /^\w{1,64}$/.test(s.server))) &&
        (s.position === undefined || s.position === null || positionFits(stream, s.position));
      if (!ok) {
        throw new ConfigError(
          `Malformed state for stream '${stream}': scan.${id.slice(0, 60)} must be {"cursor": "<digits>", "key"?: "...", "position"?: ${POSITIONS[stream] ?? 'a window position'}}.`,
        );
      }
      this.spaces[id] = { ...s, position: s.position ?? undefined };
    }
  }

  start(spaceId: string): ScanStart {
    const s = this.spaces[spaceId];
    if (!s) return { cursor: '0' };
    if (s.done) return { cursor: '0', key: undefined };
    return { cursor: s.cursor, key: s.key, position: s.position };
  }

  isDone(spaceId: string): boolean {
    return this.spaces[spaceId]?.done === true;
  }

  private readonly servers: Record<string, string | undefined> = {};

  /**
   * Names the server now behind a key space. A saved cursor from another server process is dropped
   * (true: the space starts over); unknown on either side (INFO not permitted) keeps it.
   */
  identify(spaceId: string, server: string | undefined): boolean {
    this.servers[spaceId] = server;
    const saved = this.spaces[spaceId];
    if (!saved || saved.done || !saved.server || !server || saved.server === server) return false;
    delete this.spaces[spaceId];
    return true;
  }

  /** Starts a key space over from cursor 0 (its server changed mid-read). */
  restart(spaceId: string): void {
    delete this.spaces[spaceId];
  }

  apply(spaceId: string, event: ReadEvent): boolean {
    const server = this.servers[spaceId];
    if (event.kind === 'key' && event.more) {
      this.spaces[spaceId] = { cursor: event.pageCursor, key: event.key, position: event.position ?? undefined, server };
      return true;
    }
    if (event.kind === 'page') {
      this.spaces[spaceId] = event.next === '0' ? { cursor: '0', done: true } : { cursor: event.next, server };
      return true;
    }
    return false;
  }

  done(spaceId: string): void {
    this.spaces[spaceId] = { cursor: '0', done: true };
  }

  state(final: boolean): Record<string, unknown> {
    return final ? { [COMPLETE]: true } : { scan: { ...this.spaces } };
  }
}

/** Incremental streams: the last entry ID read per stream key. Keys not in the map are read from the start. */
export class EntryIdCheckpointer implements Checkpointer {
  private readonly lastIds: Record<string, string> = {};
  private readonly floor: string | undefined;

  constructor(saved: Record<string, unknown> | undefined, stream: string) {
    if (!saved) return;
    if (saved.after_entry_id !== undefined) this.floor = String(saved.after_entry_id);
    const ids = saved.last_entry_ids;
    if (ids === undefined) return;
    if (ids === null || typeof ids !== 'object' || Array.isArray(ids)) {
      throw new ConfigError(`Malformed state for stream '${stream}': 'last_entry_ids' must be an object of stream key to entry ID.`);
    }
    for (const [key, id] of Object.entries(ids)) {
      if (!isEntryId(id)) {
        throw new ConfigError(
          `Malformed state for stream '${stream}': last_entry_ids[${JSON.stringify(key).slice(0, 60)}] must be an entry ID like "1-10" (got ${JSON.stringify(id)?.slice(0, 40)}).`,
        );
      }
      this.lastIds[key] = id;
    }
  }

  start(): ScanStart {
    return { cursor: '0' };
  }

  startFor(key: string): KeyPosition | undefined {
    return this.lastIds[key] ?? this.floor;
  }

  apply(_spaceId: string, event: ReadEvent): boolean {
    if (event.kind === 'key' && typeof event.position === 'string') {
      const prev = this.lastIds[event.key];
      if (prev === undefined || compareEntryIds(event.position, prev) > 0) this.lastIds[event.key] = event.position;
      return true;
    }
    return event.kind === 'page';
  }

  done(): void {}

  state(): Record<string, unknown> {
    return { last_entry_ids: { ...this.lastIds } };
  }
}
