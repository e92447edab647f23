import { tableOptions } from '../config/config.js';
import type { SyncMode, TableDef } from '../tables/index.js';
import { recordLine, streamState, streamStatus } from '../protocol/messages.js';
import type { Sink } from '../protocol/sink.js';
import type { Connection } from '../redis/client.js';
import { ChangeCounter } from './changes.js';
import { Progress } from './progress.js';
import { readTableEvents, type TableRead } from './table.js';

export interface StreamRun extends Omit<TableRead, 'warn'> {
  sink: Sink;
  table: TableDef;
  syncMode: SyncMode;
}

/** Checkpoints closer than this (and with fewer records than a batch between them) are folded together. */
const MIN_STATE_INTERVAL_MS = 2000;

/**
 * Runs one configured stream: STARTED, records, STATE after the records it covers (with recordCount
 * since the previous STATE), COMPLETE. A failure ends the stream INCOMPLETE with an ERROR trace naming
 * it; the caller goes on with the other streams. Returns whether the stream completed.
 */
export async function runStream(run: StreamRun): Promise<boolean> {
  const { sink, table } = run;
  const name = table.name;
  const streamJson = JSON.stringify(name);
  const batch = tableOptions(run.config, name).batch_size;
  await sink.emit(streamStatus(name, 'STARTED'));
  let total = 0;
  let sinceState = 0;
  let lastStateAt = Date.now();
  const changed = new ChangeCounter();
  let running = false;
  try {
    const progress = new Progress(name, table.reader ? await keyCounts(run.connection, run.step) : undefined);
    const events = readTableEvents({ ...run, warn: (m) => void sink.log('WARN', m) });
    for await (const event of events) {
      if (event.kind === 'rows') {
        if (!running && event.rows.length > 0) {
          running = true;
          await sink.emit(streamStatus(name, 'RUNNING'));
        }
        const emittedAt = Date.now();
        for (const row of event.rows) {
          if (sink.add(recordLine(streamJson, row.json, emittedAt, row.changes))) await sink.flush();
        }
        total += event.rows.length;
        sinceState += event.rows.length;
        progress.rows(event.rows.length);
      } else if (event.kind === 'progress') {
        if (event.cursor !== undefined) progress.page(event.space, event.cursor);
        else progress.key(event.remaining);
        for (const m of progress.due()) await sink.emit(m);
      } else if (event.kind === 'vanished') {
        changed.add(event.change);
      } else {
        const now = Date.now();
        if (!event.final && sinceState < batch && now - lastStateAt < MIN_STATE_INTERVAL_MS) continue;
        await sink.emit(streamState(name, event.state, sinceState));
        sinceState = 0;
        lastStateAt = now;
      }
    }
    const summary = changed.summary(name);
    if (summary) await sink.log('INFO', summary);
    await sink.log('INFO', `Stream ${name}: ${total} records read.`);
    await sink.emit(streamStatus(name, 'COMPLETE'));
    return true;
  } catch (e) {
    await sink.emit(streamStatus(name, 'INCOMPLETE'));
    await sink.error(e, name);
    return false;
  }
}

/** DBSIZE of every key space, for row estimates; undefined (no estimates) when the server refuses it. */
async function keyCounts(connection: Connection, step: StreamRun['step']): Promise<Map<string, number> | undefined> {
  try {
    const counts = new Map<string, number>();
    for (const space of connection.spaces) {
      counts.set(space.id, await (step ?? ((_w, fn) => fn()))('DBSIZE', () => space.client.dbsize()));
    }
    return counts;
  } catch {
    return undefined;
  }
}
