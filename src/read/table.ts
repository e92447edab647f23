import type { SourceConfig } from '../config/config.js';
import { tableOptions } from '../config/config.js';
import type { Row } from '../encoding.js';
import type { Connection, KeySpace } from '../redis/client.js';
import type { Step } from '../redis/retry.js';
import type { SyncMode, TableDef } from '../tables/index.js';
import { infoRows, readInfo } from '../tables/server-info.js';
import { trimAware } from '../tables/stream-trim.js';
import type { KeyTable, RowContext } from '../tables/types.js';
import { type Checkpointer, EntryIdCheckpointer, SnapshotCheckpointer } from './checkpoint.js';
import type { KeyChange } from './changes.js';
import { type KeySpaceRead, type ReadEvent, readKeySpace } from './keyspace.js';
import { mergeEvents } from './merge.js';
import { guardIdentity, runId, ServerChanged } from './server-identity.js';

export type TableEvent =
  | { kind: 'rows'; rows: Row[] }
  /** The read moved to a point it can resume from; `state` is the stream_state blob. */
  | { kind: 'checkpoint'; state: Record<string, unknown>; final: boolean }
  | { kind: 'vanished'; key: string; change?: KeyChange }
  /** How far the read is: a key space's next SCAN cursor, or the elements left in the key being read. */
  | { kind: 'progress'; space: string; cursor?: string; remaining?: number };

export interface TableRead {
  connection: Connection;
  config: SourceConfig;
  table: TableDef;
  syncMode: SyncMode;
  saved?: Record<string, unknown>;
  warn(message: string): void;
  step?: Step;
  /** Key spaces read at once (default MAX_PARALLEL_SPACES); 1 reads them one after another. */
  parallelSpaces?: number;
}

export function checkpointerFor(t: Pick<TableRead, 'table' | 'syncMode' | 'saved'>): Checkpointer {
  return t.syncMode === 'incremental'
    ? new EntryIdCheckpointer(t.saved, t.table.name)
    : new SnapshotCheckpointer(t.saved, t.table.name);
}

/**
 * server_info: INFO of every node read. node is the cluster node's host:port (and joins the primary key in
 * Cluster mode), and empty for standalone and Sentinel, which read one server.
 */
async function* serverInfo(t: TableRead, checkpointer: Checkpointer, step: Step): AsyncGenerator<TableEvent> {
  const spaces = t.connection.spaces;
  const infos = await Promise.all(spaces.map((s) => step(`INFO on ${s.node ?? 'the server'}`, () => readInfo(s.client))));
  const now = Math.floor(Date.now() / 1000);
  // A server that refuses INFO (ACL or rename-command) yields no rows, like any table with nothing to read.
  if (infos.some((info) => info === null)) t.warn('INFO is not permitted on this server (add +info to the ACL user); the server_info table has no rows.');
  for (let i = 0; i < spaces.length; i++) {
    const info = infos[i];
    if (info !== null) yield { kind: 'rows', rows: infoRows(info, now, t.connection.cluster ? (spaces[i].node ?? '') : '') };
  }
  yield { kind: 'checkpoint', state: checkpointer.state(true), final: true };
}

type Walk = (space: KeySpace, start: ReturnType<Checkpointer['start']>, step: Step, pages?: KeySpaceRead['pages']) => AsyncGenerator<ReadEvent>;

/**
 * One key space from its checkpoint. A saved cursor from another server process (restart or failover)
 * is void: the space is read from the start, and again if the server changes mid-read (rows may repeat).
 */
async function* walkSpace(t: TableRead, space: KeySpace, checkpointer: Checkpointer, walk: Walk, step: Step): AsyncGenerator<ReadEvent> {
  let identity = await step('INFO server', () => runId(space.client));
  if (checkpointer.identify?.(space.id, identity)) {
    t.warn(`Key space ${space.id}: the saved SCAN cursor came from another server process (restart or failover); it is read from the start.`);
  }
  for (let rescans = 0; ; rescans++) {
    try {
      yield* walk(space, checkpointer.start(space.id), guardIdentity(space.client, identity, step));
      return;
    } catch (e) {
      if (!(e instanceof ServerChanged) || rescans >= t.config.max_retries) throw e;
      // At least once: rows already emitted may come again, none is skipped.
      t.warn(`Key space ${space.id}: ${e.message}; its SCAN cursor is void there, so it is read again from the start (rows may repeat).`);
      checkpointer.restart?.(space.id);
      checkpointer.identify?.(space.id, e.after);
      identity = e.after;
    }
  }
}

/**
 * Reads one table across every key space (a cluster's shards concurrently), yielding rows and, after
 * the rows they cover, checkpoints holding every space's cursor. A cluster that resharded meanwhile
 * gets its moved slots re-read at the end (see ClusterReads).
 */
export async function* readTableEvents(t: TableRead): AsyncGenerator<TableEvent> {
  const checkpointer: Checkpointer = checkpointerFor(t);
  const step: Step = t.step ?? ((_what, fn) => fn());
  // Streams read from a saved entry ID check whether they were trimmed past it.
  const reader: KeyTable | undefined = t.table.reader?.redisType === 'stream' ? trimAware(t.table.reader) : t.table.reader;
  if (!reader) return yield* serverInfo(t, checkpointer, step);
  const opts = tableOptions(t.config, t.table.name);
  const disabled = new Set<string>();
  // Each space its own context (scannedAt moves per page); refused commands are shared.
  const ctxFor = (): RowContext => ({ scannedAt: Math.floor(Date.now() / 1000), maxValueBytes: t.config.max_value_bytes, disabled, warn: t.warn });
  const walk: Walk = (space, start, spaceStep, pages) =>
    readKeySpace({
      space,
      table: reader,
      pattern: opts.key_pattern,
      batchSize: opts.batch_size,
      ctx: ctxFor(),
      start,
      pages,
      startFor: checkpointer.startFor ? (key) => checkpointer.startFor!(key) : undefined,
      step: spaceStep,
    });
  const cluster = t.connection.cluster;
  if (cluster) await step('CLUSTER SLOTS', () => cluster.beginTable(t.warn));
  const spaces = t.connection.spaces.filter((s) => !checkpointer.isDone?.(s.id));
  for await (const [i, event] of mergeEvents(spaces.map((s) => () => walkSpace(t, s, checkpointer, walk, step)), t.parallelSpaces)) {
    if (event.kind === 'rows' || event.kind === 'vanished') yield event;
    else {
      if (event.kind === 'key') cluster?.emitted(event.key);
      if (checkpointer.apply(spaces[i].id, event)) yield { kind: 'checkpoint', state: checkpointer.state(false), final: false };
      if (event.kind === 'page') yield { kind: 'progress', space: spaces[i].id, cursor: event.next };
      else if (event.kind === 'key' && event.more) yield { kind: 'progress', space: spaces[i].id, remaining: event.remaining };
    }
  }
  for (const s of spaces) checkpointer.done(s.id);
  const sweep = cluster && (await step('CLUSTER SLOTS', () => cluster.endTable(t.warn, reader.redisType, opts.key_pattern, opts.batch_size)));
  if (sweep) {
    for await (const event of walk(sweep.space, { cursor: '0' }, step, sweep.pages)) {
      if (event.kind === 'rows' || event.kind === 'vanished') yield event;
      else if (event.kind === 'key') {
        cluster?.emitted(event.key);
        // Entry IDs (incremental streams) move here too; SCAN cursors do not: the sweep is not resumable.
        if (checkpointer.startFor && checkpointer.apply(sweep.space.id, event)) {
          yield { kind: 'checkpoint', state: checkpointer.state(false), final: false };
        }
      }
    }
  }
  yield { kind: 'checkpoint', state: checkpointer.state(true), final: true };
}
