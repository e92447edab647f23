import type { SyncMode, TableDef } from '../tables/index.js';
import { recordLine, streamState, streamStatus } from '../protocol/messages.js';
import type { Sink } from '../protocol/sink.js';
import { ChangeCounter } from './changes.js';
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
  const batch = run.config.table_options?.[name]?.batch_size ?? run.config.batch_size;
  await sink.emit(streamStatus(name, 'STARTED'));
  let total = 0;
  let sinceState = 0;
  let lastStateAt = Date.now();
  const changed = new ChangeCounter();
  let running = false;
  try {
    const events = readTableEvents({ ...run, warn: (m) => void sink.log('WARN', m) });
    for await (const event of events) {
      if (event.kind === 'rows') {
        if (!running && event.rows.length > 0) {
          running = true;
          await sink.emit(streamStatus(name, 'RUNNING'));
        }
        const emittedAt = Date.now();
        for (const row of event.rows) await sink.line(recordLine(streamJson, row.data, emittedAt, row.changes));
        total += event.rows.length;
        sinceState += event.rows.length;
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
