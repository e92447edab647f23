import { loadConfig } from '../config/config.js';
import { catalogMessage } from '../protocol/messages.js';
import type { Sink } from '../protocol/sink.js';
import { TABLES, airbyteStream } from '../tables/index.js';

/** The eight tables exist in every Redis; discover validates the config and lists them without connecting. */
export async function discover(sink: Sink, configPath: string): Promise<number> {
  const mode = loadConfig(configPath).deployment?.mode;
  await sink.emit(catalogMessage(TABLES.map((t) => airbyteStream(t, mode))));
  return 0;
}
