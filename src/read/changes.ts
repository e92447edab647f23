// What changed underneath a read: keys SCAN returned that were gone or of another type when read.
import { ConfigError, ConnectorError } from '../protocol/errors.js';
import type { Replies } from '../tables/types.js';

/** gone: deleted or expired (or renamed away); type: another type when read; type-mid-read: between two windows. */
export type KeyChange = 'gone' | 'type' | 'type-mid-read';

/**
 * Why a key's replies gave no rows. WRONGTYPE means the key changed type after SCAN; any other error
 * reply is not about that key (NOPERM, a disabled command) and must fail the stream rather than
 * silently drop its rows.
 */
export function keyChange(replies: Replies, key: string, midRead = false): KeyChange {
  let wrongType = false;
  for (const [err] of replies) {
    if (!err) continue;
    if (/^WRONGTYPE/.test(err.message)) {
      wrongType = true;
      continue;
    }
    // XINFO STREAM (sent with keys read from a saved entry ID) on a key that is gone, or refused.
    if (/no such key|NOPERM.*'xinfo/i.test(err.message)) continue;
    const shown = JSON.stringify(key).slice(0, 80);
    if (/NOPERM/.test(err.message)) {
      throw new ConfigError(
        `Permission denied reading key ${shown}: ${err.message}. Grant the user the read commands listed in the docs' least-privilege setup.`,
        err.message,
      );
    }
    throw new ConnectorError(`Redis refused a read of key ${shown}: ${err.message}`, 'system_error', err.message);
  }
  if (wrongType) return midRead ? 'type-mid-read' : 'type';
  return 'gone';
}

const WORDS: Record<KeyChange, string> = {
  gone: 'deleted, expired or renamed between SCAN and read',
  type: 'changed to another type between SCAN and read',
  'type-mid-read': 'changed type while being read (rows read before the change are kept)',
};

/** Counts changes per kind for the LOG line at the end of a stream. */
export class ChangeCounter {
  private readonly counts: Record<KeyChange, number> = { gone: 0, type: 0, 'type-mid-read': 0 };

  add(change: KeyChange | undefined): void {
    this.counts[change ?? 'gone']++;
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  count(change: KeyChange): number {
    return this.counts[change];
  }

  /** One sentence, or undefined when nothing changed. */
  summary(stream: string): string | undefined {
    if (this.total === 0) return undefined;
    const parts = (Object.keys(this.counts) as KeyChange[])
      .filter((k) => this.counts[k] > 0)
      .map((k) => `${this.counts[k]} ${this.counts[k] === 1 ? 'key' : 'keys'} ${WORDS[k]}`);
    return `Stream ${stream}: the data changed underneath the read: ${parts.join('; ')}. Keys gone before they were read have no rows.`;
  }
}
