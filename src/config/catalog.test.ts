import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog.js';

const stream = (name: string, sync_mode: unknown = 'full_refresh', extra = {}) => ({ stream: { name }, sync_mode, destination_sync_mode: 'append', ...extra });

describe('parseCatalog', () => {
  it('accepts the tables with their sync modes, and explicit nulls as absent', () => {
    const c = parseCatalog({ streams: [stream('keys', 'full_refresh', { cursor_field: null }), stream('streams', 'incremental', { cursor_field: ['entry_id'] })] });
    expect(c.map((s) => [s.table.name, s.syncMode])).toEqual([['keys', 'full_refresh'], ['streams', 'incremental']]);
  });

  it('refuses unknown and duplicate streams, invalid sync modes and foreign cursors', () => {
    expect(() => parseCatalog({ streams: [stream('__AIRBYTE__stream_that_does_not_exist', 'INVALID')] })).toThrow(/does not exist/);
    expect(() => parseCatalog({ streams: [stream('keys'), stream('keys')] })).toThrow(/listed twice/);
    expect(() => parseCatalog({ streams: [stream('keys', 'incremental')] })).toThrow(/cannot use sync_mode "incremental"/);
    expect(() => parseCatalog({ streams: [stream('streams', 'incremental', { cursor_field: ['timestamp_ms'] })] })).toThrow(/source-defined cursor/);
    expect(() => parseCatalog({ streams: 'all' })).toThrow(/"streams" array/);
  });
});
