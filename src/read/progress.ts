import { type AirbyteMessage, estimateTrace, logMessage } from '../protocol/messages.js';

/** How often a long read says how far it is: an ESTIMATE trace when the estimate moved, and an INFO log. */
export const PROGRESS_INTERVAL_MS = 5000;

/**
 * The share of a key space a SCAN cursor has covered. Redis walks hash buckets in reverse-binary order:
 * the low k bits of the cursor, reversed, count the buckets done out of 2^k (k from the table size,
 * the next power of two of the key count, or more if the cursor shows it). "0" is the end.
 */
export function scanFraction(cursor: string, keys: number): number {
  if (cursor === '0') return 1;
  const c = BigInt(cursor);
  let k = Math.max(2, Math.ceil(Math.log2(Math.max(keys, 1))), c.toString(2).length);
  let reversed = 0n;
  for (let i = 0; i < k; i++) reversed = (reversed << 1n) | ((c >> BigInt(i)) & 1n);
  return Number(reversed) / 2 ** k;
}

/** Row estimate and progress of one stream, from SCAN progress per key space and the key being read. */
export class Progress {
  private total = 0;
  private keyRemaining = 0;
  private readonly done = new Map<string, number>();
  private lastEstimate = -1;
  private lastEstimateAt = 0;
  private lastLogAt: number;
  private readonly startedAt: number;

  constructor(
    private readonly stream: string,
    /** DBSIZE per key space; undefined when the server would not say. */
    private readonly keyCounts: Map<string, number> | undefined,
    now = Date.now(),
  ) {
    this.startedAt = this.lastLogAt = now;
  }

  rows(n: number): void {
    this.total += n;
    this.keyRemaining = Math.max(0, this.keyRemaining - n);
  }

  /** Inside a large key: the elements it still holds, when its table knows its length. */
  key(remaining: number | undefined): void {
    this.keyRemaining = remaining ?? 0;
  }

  page(space: string, cursor: string): void {
    this.done.set(space, scanFraction(cursor, this.keyCounts?.get(space) ?? 0));
  }

  estimate(): number | undefined {
    let fraction: number | undefined;
    if (this.keyCounts && this.done.size > 0) {
      let all = 0;
      let covered = 0;
      for (const [space, keys] of this.keyCounts) {
        all += keys;
        covered += keys * (this.done.get(space) ?? 0);
      }
      fraction = all > 0 ? covered / all : 1;
    }
    const byScan = fraction && fraction > 0 ? this.total / fraction : undefined;
    const byKey = this.keyRemaining > 0 ? this.total + this.keyRemaining : undefined;
    if (byScan === undefined && byKey === undefined) return undefined;
    return Math.round(Math.max(byScan ?? 0, byKey ?? 0, this.total));
  }

  /** Messages due at `now`: the first estimate as soon as there is one, then both every interval. */
  due(now = Date.now()): AirbyteMessage[] {
    const out: AirbyteMessage[] = [];
    const estimate = this.estimate();
    const first = this.lastEstimate < 0;
    if (estimate !== undefined && estimate !== this.lastEstimate && (first || now - this.lastEstimateAt >= PROGRESS_INTERVAL_MS)) {
      out.push(estimateTrace(this.stream, estimate));
      this.lastEstimate = estimate;
      this.lastEstimateAt = now;
    }
    if (now - this.lastLogAt >= PROGRESS_INTERVAL_MS) {
      const rate = Math.round(this.total / Math.max(0.001, (now - this.startedAt) / 1000));
      const of = this.lastEstimate > 0 ? ` of about ${this.lastEstimate}` : '';
      out.push(logMessage('INFO', `Stream ${this.stream}: ${this.total} records read${of} (${rate} records/s).`));
      this.lastLogAt = now;
    }
    return out;
  }
}
