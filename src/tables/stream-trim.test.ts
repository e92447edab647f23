import { describe, expect, it } from 'vitest';
import { trimWarning } from './stream-trim.js';

/** XINFO STREAM as callBuffer returns it: a flat list of names and values. */
const info = (o: Record<string, unknown>) => Object.entries(o).flat();

describe('trimWarning', () => {
  it('says nothing when the saved entry is still the oldest or later', () => {
    expect(trimWarning('k', '5-0', info({ length: 3, 'entries-added': 3, 'max-deleted-entry-id': '0-0', 'first-entry': ['5-0', []], 'last-generated-id': '7-0' }))).toBeUndefined();
  });

  it('names the key, the saved ID, the first entry and the Redis 7 count when trimmed past', () => {
    const w = trimWarning('orders', '5-0', info({ length: 3, 'entries-added': 12, 'max-deleted-entry-id': '0-0', 'first-entry': [Buffer.from('10-0'), []], 'last-generated-id': '12-0' }));
    expect(w).toMatch(/"orders".*saved entry ID 5-0.*10-0.*up to 9 entries were lost/);
  });

  it('reports XDEL after the saved ID from max-deleted-entry-id', () => {
    const w = trimWarning('k', '5-0', info({ length: 5, 'entries-added': 6, 'max-deleted-entry-id': '6-0', 'first-entry': ['1-0', []], 'last-generated-id': '7-0' }));
    expect(w).toMatch(/deleted \(XDEL\).*6-0.*up to 1 entries/);
  });

  it('without Redis 7 counters, warns without a count', () => {
    const w = trimWarning('k', '5-0', info({ length: 2, 'first-entry': ['9-0', []], 'last-generated-id': '10-0' }));
    expect(w).toMatch(/does not count deleted entries/);
  });

  it('an emptied stream whose last ID passed the saved one', () => {
    expect(trimWarning('k', '5-0', info({ length: 0, 'entries-added': 9, 'max-deleted-entry-id': '0-0', 'first-entry': null, 'last-generated-id': '9-0' }))).toMatch(/now empty.*up to 9/);
  });
});
