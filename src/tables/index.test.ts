import { describe, expect, it } from 'vitest';
import { airbyteStream, findTable, TABLES } from './index.js';

describe('airbyteStream', () => {
  it('keys server_info by (section, property) on one server and adds the node in a cluster', () => {
    const info = findTable('server_info')!;
    expect(airbyteStream(info).source_defined_primary_key).toEqual([['section'], ['property']]);
    expect(airbyteStream(info, 'sentinel').source_defined_primary_key).toEqual([['section'], ['property']]);
    expect(airbyteStream(info, 'cluster').source_defined_primary_key).toEqual([['node'], ['section'], ['property']]);
  });

  it('every primary key and cursor names a column of the schema', () => {
    for (const t of TABLES) {
      for (const mode of ['standalone', 'cluster']) {
        const s = airbyteStream(t, mode) as any;
        for (const [col] of s.source_defined_primary_key) expect(s.json_schema.properties, `${t.name}.${col}`).toHaveProperty(col);
        for (const col of s.default_cursor_field ?? []) expect(s.json_schema.properties).toHaveProperty(col);
      }
    }
  });
});
