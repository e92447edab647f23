import { describe, expect, it } from 'vitest';
import { SnapshotCheckpointer } from './checkpoint.js';

describe('SnapshotCheckpointer', () => {
  it('saves the server run_id with the cursor and drops a cursor from another server process', () => {
    const c = new SnapshotCheckpointer(undefined, 'hashes');
    c.identify('standalone', 'abc');
    c.apply('standalone', { kind: 'page', next: '42' });
    const saved = c.state(false) as any;
    expect(saved.scan.standalone).toEqual({ cursor: '42', server: 'abc' });
    const same = new SnapshotCheckpointer(saved, 'hashes');
    expect(same.identify('standalone', 'abc')).toBe(false);
    expect(same.start('standalone').cursor).toBe('42');
    const other = new SnapshotCheckpointer(saved, 'hashes');
    expect(other.identify('standalone', 'xyz')).toBe(true);
    expect(other.start('standalone').cursor).toBe('0');
    const unknown = new SnapshotCheckpointer(saved, 'hashes');
    expect(unknown.identify('standalone', undefined)).toBe(false);
    expect(unknown.start('standalone').cursor).toBe('42');
  });

  it('refuses cursors past 2^64 and positions of the wrong kind for the table, naming the field', () => {
    const state = (s: object) => ({ scan: { standalone: { cursor: '0', ...s } } });
    expect(() => new SnapshotCheckpointer({ scan: { standalone: { cursor: '18446744073709551616' } } }, 'keys')).toThrow(/scan.standalone/);
    expect(() => new SnapshotCheckpointer(state({ key: 'k', position: 'abc' }), 'lists')).toThrow(/a list index/);
    expect(() => new SnapshotCheckpointer(state({ key: 'k', position: 3 }), 'hashes')).toThrow(/HSCAN cursor/);
    expect(() => new SnapshotCheckpointer(state({ key: 'k', position: '1-x' }), 'streams')).toThrow(/entry ID/);
    expect(() => new SnapshotCheckpointer(state({ server: 'a b' }), 'sets')).toThrow(/scan.standalone/);
    expect(new SnapshotCheckpointer(state({ key: 'k', position: 7 }), 'sorted_sets').start('standalone')).toEqual({ cursor: '0', key: 'k', position: 7 });
  });

  it('a completed state starts a new full read', () => {
    const c = new SnapshotCheckpointer({ __ab_full_refresh_sync_complete: true }, 'keys');
    expect(c.start('standalone')).toEqual({ cursor: '0' });
    expect(c.state(true)).toEqual({ __ab_full_refresh_sync_complete: true });
  });
});
