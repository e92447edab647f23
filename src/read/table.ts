import type { SourceConfig } from '../config/config.js';
import { tableOptions } from '../config/config.js';
import type { Row } from '../encoding.js';
import type { Connection } from '../redis/client.js';
import type { SyncMode, TableDef } from '../tables/index.js';
import { infoRows, readInfo } from '../tables/server-info.js';
import { trimAware } from '../tables/stream-trim.js';
import type { RowContext } from '../tables/types.js';
import { type Checkpointer, EntryIdCheckpointer, SnapshotCheckpointer } from './checkpoint.js';
import type { KeyChange } from './changes.js';
import { readKeySpace } from './keyspace.js';
import { guardIdentity, runId, ServerChanged } from './server-identity.js';

export type TableEvent =
  | { kind: 'rows'; rows: Row[] }
  /** The read moved to a point it can resume from; `state` is the stream_state blob. */
  | { kind: 'checkpoint'; state: Record<string, unknown>; final: boolean }
  | { kind: 'vanished'; key: string; change?: KeyChange };

export interface TableRead {
  connection: Connection;
  config: SourceConfig;
  table: TableDef;
  syncMode: SyncMode;
  saved?: Record<string, unknown>;
  warn(message: string): void;
  step?: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

export function checkpointerFor(t: Pick<TableRead, 'table' | 'syncMode' | 'saved'>): Checkpointer {
  return t.syncMode === 'incremental'
    ? new EntryIdCheckpointer(t.saved, t.table.name)
    : new SnapshotCheckpointer(t.saved, t.table.name);
}

/** Reads one table across every key space, yielding rows and, after the rows they cover, checkpoints. */
export async function* readTableEvents(t: TableRead): AsyncGenerator<TableEvent> {
  const checkpointer: Checkpointer = checkpointerFor(t);
  // Streams read from a saved entry ID check whether they were trimmed past it.
  const reader = t.table.reader?.redisType === 'stream' ? trimAware(t.table.reader) : t.table.reader;
  if (!reader) {
    const now = Math.floor(Date.now() / 1000);
    const info = await (t.step ?? ((_w, fn) => fn()))('INFO', () => readInfo(t.connection.primary));
    // A server that refuses INFO (ACL or rename-command) yields no rows, like any table with nothing to read.
    if (info === null) t.warn('INFO is not permitted on this server (add +info to the ACL user); the server_info table has no rows.');
    else yield { kind: 'rows', rows: infoRows(info, now) };
    yield { kind: 'checkpoint', state: checkpointer.state(true), final: true };
    return;
  }
  const opts = tableOptions(t.config, t.table.name);
  const ctx: RowContext = {
    scannedAt: Math.floor(Date.now() / 1000),
    maxValueBytes: t.config.max_value_bytes,
    disabled: new Set(),
    warn: t.warn,
  };
  const step = t.step ?? (<T>(_what: string, fn: () => Promise<T>) => fn());
  for (const space of t.connection.spaces) {
    if (checkpointer.isDone?.(space.id)) continue;
    let identity = await step('INFO server', () => runId(space.client));
    if (checkpointer.identify?.(space.id, identity)) {
      t.warn(`Key space ${space.id}: the saved SCAN cursor came from another server process (restart or failover); it is read from the start.`);
    }
    for (let rescans = 0; ; rescans++) {
      try {
        const events = readKeySpace({
          space,
          table: reader,
          pattern: opts.key_pattern,
          batchSize: opts.batch_size,
          ctx,
          start: checkpointer.start(space.id),
          startFor: checkpointer.startFor ? (key) => checkpointer.startFor!(key) : undefined,
          step: guardIdentity(space.client, identity, step),
        });
        for await (const event of events) {
          if (event.kind === 'rows') yield event;
          else if (event.kind === 'vanished') yield event;
          else if (checkpointer.apply(space.id, event)) {
            yield { kind: 'checkpoint', state: checkpointer.state(false), final: false };
          }
        }
        break;
      } catch (e) {
        if (!(e instanceof ServerChanged) || rescans >= t.config.max_retries) throw e;
        // At least once: rows already emitted may come again, none is skipped.
        t.warn(`Key space ${space.id}: ${e.message}; its SCAN cursor is void there, so it is read again from the start (rows may repeat).`);
        checkpointer.restart?.(space.id);
        checkpointer.identify?.(space.id, e.after);
        identity = e.after;
      }
    }
    checkpointer.done(space.id);
  }
  yield { kind: 'checkpoint', state: checkpointer.state(true), final: true };
}
