// Stream entry IDs are <ms>-<seq>, two unsigned 64-bit numbers; compared as numbers, so 1-10 follows 1-2.

const MAX = (1n << 64n) - 1n;
const ID = /^(\d{1,20})(?:-(\d{1,20}))?$/;

export function parseEntryId(id: string): [bigint, bigint] | null {
  const m = ID.exec(id);
  if (!m) return null;
  const ms = BigInt(m[1]);
  const seq = m[2] === undefined ? 0n : BigInt(m[2]);
  return ms > MAX || seq > MAX ? null : [ms, seq];
}

export function isEntryId(id: unknown): id is string {
  return typeof id === 'string' && parseEntryId(id) !== null;
}

export function compareEntryIds(a: string, b: string): number {
  const [am, as] = parseEntryId(a)!;
  const [bm, bs] = parseEntryId(b)!;
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** The smallest ID after `id`, or null when `id` is the largest possible ID. */
export function nextEntryId(id: string): string | null {
  const [ms, seq] = parseEntryId(id)!;
  if (seq < MAX) return `${ms}-${seq + 1n}`;
  if (ms < MAX) return `${ms + 1n}-0`;
  return null;
}
