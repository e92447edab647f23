import { describe, expect, it } from 'vitest';
import { compareEntryIds, isEntryId, nextEntryId, parseEntryId } from './entry-id.js';

describe('stream entry IDs', () => {
  it('compare as numbers, not text', () => {
    expect(compareEntryIds('1-10', '1-2')).toBe(1);
    expect(compareEntryIds('2-0', '10-0')).toBe(-1);
    expect(compareEntryIds('5-5', '5-5')).toBe(0);
  });

  it('accept a bare millisecond part and 64-bit values, reject the rest', () => {
    expect(parseEntryId('7')).toEqual([7n, 0n]);
    expect(isEntryId('18446744073709551615-18446744073709551615')).toBe(true);
    expect(isEntryId('18446744073709551616-0')).toBe(false);
    for (const bad of ['', '-1-0', '1-', 'a-b', '1.5-0', 1, null]) expect(isEntryId(bad)).toBe(false);
  });

  it('next ID carries into the millisecond part and ends at the maximum', () => {
    expect(nextEntryId('1-2')).toBe('1-3');
    expect(nextEntryId('1-18446744073709551615')).toBe('2-0');
    expect(nextEntryId('18446744073709551615-18446744073709551615')).toBeNull();
  });
});
