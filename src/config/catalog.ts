import { ConfigError } from '../protocol/errors.js';
import { findTable, type SyncMode, TABLE_NAMES, type TableDef } from '../tables/index.js';

export interface ConfiguredTable {
  table: TableDef;
  syncMode: SyncMode;
}

/** CAT serialises optional fields as explicit nulls; they mean "absent". */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
  }
  return v;
}

export function parseCatalog(raw: unknown): ConfiguredTable[] {
  const catalog = stripNulls(raw) as { streams?: unknown };
  if (!catalog || typeof catalog !== 'object' || Array.isArray(catalog) || !Array.isArray(catalog.streams)) {
    throw new ConfigError('Invalid catalog: it must be an object with a "streams" array (a ConfiguredAirbyteCatalog).');
  }
  const seen = new Set<string>();
  return catalog.streams.map((s: any, i: number) => {
    const name = s?.stream?.name;
    if (typeof name !== 'string') throw new ConfigError(`Invalid catalog: streams[${i}].stream.name must be a stream name.`);
    const table = findTable(name);
    if (!table) {
      throw new ConfigError(`Invalid catalog: stream '${name.slice(0, 80)}' does not exist; the streams are ${TABLE_NAMES.join(', ')}.`);
    }
    if (seen.has(name)) throw new ConfigError(`Invalid catalog: stream '${name}' is listed twice.`);
    seen.add(name);
    const syncMode = s.sync_mode ?? 'full_refresh';
    if (!table.syncModes.includes(syncMode)) {
      throw new ConfigError(
        `Invalid catalog: stream '${name}' cannot use sync_mode ${JSON.stringify(syncMode)?.slice(0, 40)}; it supports ${table.syncModes.join(' and ')}.`,
      );
    }
    if (syncMode === 'incremental' && Array.isArray(s.cursor_field) && s.cursor_field.length > 0) {
      const cf = JSON.stringify(s.cursor_field);
      if (cf !== JSON.stringify(table.cursorField)) {
        throw new ConfigError(`Invalid catalog: stream '${name}' has a source-defined cursor ${JSON.stringify(table.cursorField)}; got cursor_field ${cf?.slice(0, 60)}.`);
      }
    }
    return { table, syncMode };
  });
}
