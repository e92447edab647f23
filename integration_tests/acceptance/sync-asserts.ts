// CAT TestFullRefresh and TestIncremental (test_full_refresh.py, test_incremental.py) as pure functions.
import { recordsOf } from './read-asserts.js';
import { CatFailure, fail } from './walk.js';

const MIN_BATCHES_TO_TEST = 5;

/** test_sequential_reads: read 1 has records, and every emitted_at of read 2 is later than all of read 1. */
export function emittedAtIncreases(read1: any[], read2: any[]): void {
  const r1 = recordsOf(read1);
  const r2 = recordsOf(read2);
  if (r1.length === 0) throw new CatFailure('test_sequential_reads', 'read 1 produced no records');
  const max1 = Math.max(...r1.map((r) => r.emitted_at));
  const min2 = Math.min(...r2.map((r) => r.emitted_at));
  fail('test_sequential_reads', min2 > max1 ? [] : [`min emitted_at of read 2 (${min2}) is not after max of read 1 (${max1})`]);
}

export const statesOf = (messages: any[]) => messages.filter((m) => m.type === 'STATE');

/** The --state input CAT builds from a read: the last STREAM state per stream (namespace only if the blob names one). */
export function stateInputFrom(messages: any[]): any[] {
  const latest = new Map<string, any>();
  for (const m of statesOf(messages)) {
    if (m.state.type === 'STREAM') latest.set(m.state.stream.stream_descriptor.name, m.state.stream.stream_state ?? {});
  }
  return [...latest].map(([name, blob]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name, ...('stream_namespace' in blob ? { namespace: blob.stream_namespace } : {}) }, stream_state: blob },
  }));
}

/** DeepDiff(ignore_order=True) of record data is empty exactly when the two multisets of data are equal. */
export function recordsDiffer(records1: any[], records2: any[]): boolean {
  const canon = (v: any): string =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`
      : Array.isArray(v) ? `[${v.map(canon).join(',')}]` : JSON.stringify(v);
  const a = records1.map((r) => canon(r.data)).sort();
  const b = records2.map((r) => canon(r.data)).sort();
  return a.length !== b.length || a.some((x, i) => x !== b[i]);
}

/** test_two_sequential_reads: read 1 has STATEs and records; read 2 from its state yields different records. */
export function twoSequentialReads(read1: any[], read2: any[]): void {
  fail('test_two_sequential_reads', [
    ...(statesOf(read1).length === 0 ? ['read 1 produced no STATE'] : []),
    ...(recordsOf(read1).length === 0 ? ['read 1 produced no records'] : []),
    ...(recordsDiffer(recordsOf(read1), recordsOf(read2)) ? [] : ['read 2 produced the same records as read 1']),
  ]);
}

const blobOf = (m: any) => JSON.stringify(m.state.stream ? m.state.stream.stream_state : m.state);
const countOf = (m: any): number => {
  const n = m.state.sourceStats?.recordCount;
  if (typeof n !== 'number') throw new CatFailure('test_read_sequential_slices', 'a STATE has no sourceStats.recordCount');
  return n;
};

/** CAT's _get_unique_state_messages_with_record_count, quirks included: returns [state, expected records after it]. */
export function uniqueStatesWithExpectedCounts(input: any[]): [any, number][] {
  const states = input.map((m) => structuredClone(m));
  if (states.length <= 1) return states.filter((s) => countOf(s)).map((s) => [s, 0]);
  const unique: any[] = [];
  let current = 0;
  while (current < states.length - 1) {
    let next = current + 1;
    while (blobOf(states[current]) === blobOf(states[next]) && next < states.length - 1) next++;
    const sum = states.slice(current, next).reduce((a, s) => a + countOf(s), 0);
    states[current].state.sourceStats = { recordCount: sum };
    unique.push(states[current]);
    if (next === states.length - 1 && blobOf(states[current]) !== blobOf(states[next])) unique.push(states[next]);
    current = next;
  }
  const nonZero = unique.filter((s) => countOf(s));
  const total = nonZero.reduce((a, s) => a + countOf(s), 0);
  let seen = 0;
  return nonZero.map((s) => [s, total - (seen += countOf(s))]);
}

/** CAT's _states_with_expected_record_count_batch_selector: the checkpoints it reads from. */
export function sampledCheckpoints(states: any[]): [any, number][] {
  const unique = uniqueStatesWithExpectedCounts(states);
  if (unique.length === 0) {
    throw new CatFailure('test_read_sequential_slices', 'no suitable state checkpoint (every STATE has recordCount 0)');
  }
  if (unique.length < 3) return unique.slice(-1);
  const rate = Math.floor(unique.length / MIN_BATCHES_TO_TEST) || 1;
  return unique.filter((_, i) => i !== 0 && i % rate === 0 && i !== unique.length - 1);
}

/** CAT's get_next_state_input: the per-stream blobs seen so far, updated with this checkpoint. */
export function checkpointStateInput(checkpoint: any, soFar: Map<string, any>): any[] {
  const s = checkpoint.state;
  if (s.type === 'STREAM' && s.stream.stream_state) soFar.set(s.stream.stream_descriptor.name, s.stream.stream_state);
  return [...soFar].map(([name, blob]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: blob } }));
}

/** One sampled checkpoint: the read from it has at least the expected records, and differs from read 1. */
export function resumedFromCheckpoint(read1: any[], readN: any[], expected: number): void {
  const n = recordsOf(readN).length;
  fail('test_read_sequential_slices', [
    ...(n >= expected ? [] : [`read from a checkpoint gave ${n} records, expected at least ${expected}`]),
    ...(recordsDiffer(recordsOf(read1), recordsOf(readN)) ? [] : ['read from a checkpoint repeated read 1']),
  ]);
}

/** test_state_with_abnormally_large_values: no records, at least one STATE. */
export function abnormalStateRead(messages: any[]): void {
  fail('test_state_with_abnormally_large_values', [
    ...recordsOf(messages).slice(0, 1).map((r) => `a record was read: ${JSON.stringify(r).slice(0, 160)}`),
    ...(statesOf(messages).length === 0 ? ['no STATE message'] : []),
  ]);
}
