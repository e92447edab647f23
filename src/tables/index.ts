// The eight tables as data: name, schema, primary key, sync modes, and which reader turns Redis into rows.
import { loadTableSchema } from '../config/spec.js';
import { hashes, lists, sets, sortedSets } from './collections.js';
import { keys } from './keys.js';
import { streams } from './streams.js';
import { strings } from './strings.js';
import type { KeyTable } from './types.js';

export type SyncMode = 'full_refresh' | 'incremental';

export interface TableDef {
  name: string;
  primaryKey: string[][];
  /** Where a cluster's nodes each give rows of their own, the node is part of the key. */
  clusterPrimaryKey?: string[][];
  syncModes: SyncMode[];
  cursorField?: string[];
  /** Absent for server_info, which reads INFO instead of keys. */
  reader?: KeyTable;
}

export const TABLES: TableDef[] = [
  { name: 'keys', primaryKey: [['key_name']], syncModes: ['full_refresh'], reader: keys },
  { name: 'strings', primaryKey: [['key_name']], syncModes: ['full_refresh'], reader: strings },
  { name: 'hashes', primaryKey: [['key_name'], ['field']], syncModes: ['full_refresh'], reader: hashes },
  { name: 'lists', primaryKey: [['key_name'], ['list_index']], syncModes: ['full_refresh'], reader: lists },
  { name: 'sets', primaryKey: [['key_name'], ['member']], syncModes: ['full_refresh'], reader: sets },
  { name: 'sorted_sets', primaryKey: [['key_name'], ['member']], syncModes: ['full_refresh'], reader: sortedSets },
  {
    name: 'streams',
    primaryKey: [['key_name'], ['entry_id']],
    // full_refresh first: Airbyte's acceptance tests take the first mode as the default.
    syncModes: ['full_refresh', 'incremental'],
    cursorField: ['entry_id'],
    reader: streams,
  },
  // One row per node per property: a cluster has several nodes, each with its own INFO, so there the node
  // joins the key; one server (standalone, Sentinel's primary) keeps the plain (section, property) key.
  {
    name: 'server_info',
    primaryKey: [['section'], ['property']],
    clusterPrimaryKey: [['node'], ['section'], ['property']],
    syncModes: ['full_refresh'],
  },
];

export const TABLE_NAMES = TABLES.map((t) => t.name);

export function findTable(name: string): TableDef | undefined {
  return TABLES.find((t) => t.name === name);
}

export function primaryKey(t: TableDef, deploymentMode = 'standalone'): string[][] {
  return deploymentMode === 'cluster' && t.clusterPrimaryKey ? t.clusterPrimaryKey : t.primaryKey;
}

/** The AirbyteStream of a table, as discover prints it for a deployment mode. */
export function airbyteStream(t: TableDef, deploymentMode?: string): Record<string, unknown> {
  const stream: Record<string, unknown> = {
    name: t.name,
    json_schema: loadTableSchema(t.name),
    supported_sync_modes: t.syncModes,
    source_defined_primary_key: primaryKey(t, deploymentMode),
    // Every table checkpoints (SCAN cursor, or entry IDs), so every table resumes.
    is_resumable: true,
    source_defined_cursor: true,
  };
  if (t.cursorField) stream.default_cursor_field = t.cursorField;
  return stream;
}
