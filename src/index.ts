// The library API, in the shape of the Lakeflow Redis connector: testConnection, listTables, readTable.
import { parseConfig, type SourceConfig, type TableOptions } from './config/config.js';
import { loadTableSchema } from './config/spec.js';
import { parseState } from './config/state.js';
import { ConfigError, ConnectorError } from './protocol/errors.js';
import { checkConnection } from './connector/check.js';
import { connect } from './redis/client.js';
import { connectionProblem } from './redis/errors.js';
import { retryingStep } from './redis/retry.js';
import { readTableEvents } from './read/table.js';
import { findTable, primaryKey, TABLE_NAMES } from './tables/index.js';

export type Offset = Record<string, unknown> | null;

export interface TableMetadata {
  primary_keys: string[];
  cursor_field?: string;
  ingestion_type: 'snapshot' | 'append';
}

export class RedisConnector {
  private readonly config: SourceConfig;

  /** Takes the same config as the CLI (Lakeflow's all-string configs too); throws ConfigError naming a bad field. */
  constructor(config: Record<string, unknown>) {
    this.config = parseConfig(config);
  }

  async testConnection(): Promise<{ ok: boolean; message: string }> {
    try {
      return { ok: true, message: await checkConnection(this.config) };
    } catch (e) {
      return { ok: false, message: e instanceof ConnectorError ? e.message : String((e as Error).message) };
    }
  }

  listTables(): string[] {
    return [...TABLE_NAMES];
  }

  getTableSchema(table: string): object {
    return loadTableSchema(this.table(table).name);
  }

  readTableMetadata(table: string): TableMetadata {
    const t = this.table(table);
    const meta: TableMetadata = { primary_keys: primaryKey(t, this.config.deployment?.mode).map((p) => p[0]), ingestion_type: t.cursorField ? 'append' : 'snapshot' };
    if (t.cursorField) meta.cursor_field = t.cursorField[0];
    return meta;
  }

  /**
   * Reads a table and returns its records with the offset to pass next time. For streams the offset holds
   * the last entry ID per stream key, so the next call returns only newer entries; other tables are
   * snapshots and are read whole each time. Records are held in memory: for large tables use the CLI.
   */
  async readTable(table: string, offset: Offset = null, options: TableOptions = {}): Promise<{ records: Record<string, unknown>[]; offset: Offset }> {
    const def = this.table(table);
    const incremental = def.cursorField !== undefined;
    // An offset this method returned is the stream_state itself; Lakeflow's {"entry_id": ...} goes through parseState.
    const saved = !offset ? undefined : 'last_entry_ids' in offset ? offset : parseState(offset).get(def.name);
    const config: SourceConfig = {
      ...this.config,
      table_options: { ...this.config.table_options, [def.name]: { ...this.config.table_options?.[def.name], ...options } },
    };
    const connection = await connect(config).catch((e) => {
      throw connectionProblem(e, config);
    });
    const records: Record<string, unknown>[] = [];
    let next: Offset = offset;
    try {
      const events = readTableEvents({
        connection,
        config,
        table: def,
        syncMode: incremental ? 'incremental' : 'full_refresh',
        saved: incremental ? saved : undefined,
        warn: () => undefined,
        // The same retries as the CLI: a dropped connection mid-read is reconnected, not a lost call.
        step: retryingStep({ connection, config, log: () => undefined }),
      });
      for await (const event of events) {
        if (event.kind === 'rows') for (const row of event.rows) records.push(row.data);
        else if (event.kind === 'checkpoint' && event.final) next = event.state;
      }
    } finally {
      await connection.close();
    }
    return { records, offset: next };
  }

  private table(name: string) {
    const t = findTable(name);
    if (!t) throw new ConfigError(`Unknown table '${name}'; the tables are ${TABLE_NAMES.join(', ')}.`);
    return t;
  }
}

export { ConfigError, ConnectorError } from './protocol/errors.js';
export { run } from './cli.js';
export { TABLE_NAMES } from './tables/index.js';
