import { parseCatalog } from '../config/catalog.js';
import { loadConfig, readJsonFile } from '../config/config.js';
import { type InputState, parseState } from '../config/state.js';
import type { Sink } from '../protocol/sink.js';
import { connect } from '../redis/client.js';
import { connectionProblem } from '../redis/errors.js';
import { retryingStep } from '../redis/retry.js';
import { runStream } from '../read/runner.js';
import { checkpointerFor } from '../read/table.js';

export interface ReadArgs {
  config: string;
  catalog: string;
  state?: string;
}

/**
 * read: config, catalog and state are all checked before anything connects. Each stream runs on its own:
 * a failing one is INCOMPLETE with an ERROR trace, the rest still run, and the exit code says it failed.
 */
export async function read(sink: Sink, args: ReadArgs): Promise<number> {
  const config = loadConfig(args.config);
  const streams = parseCatalog(readJsonFile(args.catalog, 'catalog'));
  const saved: InputState = args.state ? parseState(readJsonFile(args.state, 'state')) : new Map();
  // Every saved stream_state is checked here, so a malformed one fails before anything connects.
  for (const { table, syncMode } of streams) checkpointerFor({ table, syncMode, saved: saved.get(table.name) });
  for (const name of saved.keys()) {
    if (!streams.some((s) => s.table.name === name)) {
      await sink.log('WARN', `The state holds stream '${name.slice(0, 80)}', which is not in the catalog; it is ignored.`);
    }
  }
  if (streams.length === 0) {
    await sink.log('WARN', 'The catalog selects no streams; nothing to read.');
    return 0;
  }
  const connection = await connect(config).catch((e) => {
    throw connectionProblem(e, config);
  });
  let failed = 0;
  // Every Redis round trip of every stream: reconnect and retry transient failures, up to max_retries.
  const step = retryingStep({ connection, config, log: (m) => sink.log('WARN', m) });
  try {
    for (const { table, syncMode } of streams) {
      const ok = await runStream({ sink, connection, config, table, syncMode, saved: saved.get(table.name), step });
      if (!ok) failed++;
    }
  } finally {
    await connection.close();
  }
  return failed > 0 ? 1 : 0;
}
