import { describe, expect, it } from 'vitest';
import { Progress, scanFraction } from './progress.js';

describe('scanFraction', () => {
  it('reads the reverse-binary bucket counter of a SCAN cursor', () => {
    // Redis visits the 8 buckets of a table of 8 in the order 0 4 2 6 1 5 3 7: after each, that many are done.
    [4, 2, 6, 1, 5, 3, 7].forEach((cursor, i) => expect(scanFraction(String(cursor), 8)).toBe((i + 1) / 8));
    expect(scanFraction('0', 8)).toBe(1);
    // A cursor wider than the key count says the table is larger than the count suggests.
    expect(scanFraction('8', 3)).toBe(1 / 16);
  });
});

describe('Progress', () => {
  it('estimates from SCAN progress and from the length of the key being read, and logs every interval', () => {
    const p = new Progress('lists', new Map([['standalone', 8]]), 0);
    expect(p.due(1)).toEqual([]);
    p.rows(10);
    p.key(90);
    const [first] = p.due(2);
    expect(first.trace).toMatchObject({ type: 'ESTIMATE', estimate: { name: 'lists', type: 'STREAM', row_estimate: 100 } });
    p.rows(20);
    p.page('standalone', '4'); // one bucket of eight done, 30 rows so far
    expect(p.estimate()).toBe(240);
    const later = p.due(6000);
    expect(later.map((m) => m.type)).toEqual(['TRACE', 'LOG']);
    expect((later[1].log as { message: string }).message).toMatch(/30 records read of about 240/);
  });
});
