// Resumable full refresh: a read killed at any point plus one resumed from its last STATE cover every row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, jsonFiles, records, runCli } from '../harness/cli.js';
import { protocolProblems } from '../harness/protocol.js';
import { type RedisInstance, startRedis } from '../harness/redis-server.js';
import { runControlled } from './controlled.js';
import { compare, seed, truth } from './dataset.js';

const TABLES = ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams'];
let redis: RedisInstance;
let expected: Map<string, string>;
let fullCounts: Record<string, number>;

const countBy = (rs: { stream: string }[]) => rs.reduce<Record<string, number>>((a, r) => ((a[r.stream] = (a[r.stream] ?? 0) + 1), a), {});

/** The last STATE message of each stream, as Airbyte would pass them back. */
function lastStates(messages: any[]) {
  const by = new Map<string, unknown>();
  for (const m of messages) if (m.type === 'STATE') by.set(m.state.stream.stream_descriptor.name, m.state);
  return [...by.values()];
}

function files(mode: 'full_refresh' | 'incremental', state?: unknown) {
  return jsonFiles({
    'config.json': { host: '127.0.0.1', port: redis.port, batch_size: 10 },
    'catalog.json': catalogFor(TABLES, mode),
    ...(state ? { 'state.json': state } : {}),
  });
}

const args = (f: Record<string, string>) => ['read', '--config', f['config.json'], '--catalog', f['catalog.json'], ...(f['state.json'] ? ['--state', f['state.json']] : [])];

beforeAll(async () => {
  redis = await startRedis();
  await seed(redis.port);
  expected = await truth(redis.port);
  const full = await runCli(args(files('full_refresh')));
  fullCounts = countBy(records(full));
});
afterAll(async () => redis?.stop());

describe('resumable full refresh', () => {
  // Kill points spread over the whole read, so cuts land between pages and inside keys read in windows.
  it.each([40, 260, 610, 900, 1250, 1700, 2100])('killed after %i records, then resumed: no row is missing', async (n) => {
    const first = await runControlled(args(files('full_refresh')), { killAfter: n });
    expect(first.killed).toBe(true);
    const states = lastStates(first.messages);
    const second = await runCli(args(files('full_refresh', states)));
    expect(protocolProblems(second.lines)).toEqual([]);
    expect(second.code).toBe(0);
    const { missing, wrong } = compare(expected, [records(first), records(second)]);
    expect(missing).toEqual([]);
    expect(wrong).toEqual([]);
    // The cut stream resumed instead of starting over (unless it was cut right at its start).
    const cut = (states.at(-1) as any)?.stream;
    const name = cut?.stream_descriptor.name;
    if (cut?.stream_state?.scan) {
      const again = countBy(records(second))[name] ?? 0;
      const before = countBy(records(first))[name] ?? 0;
      if (before > 20) expect(again).toBeLessThan(fullCounts[name]);
    }
  });

  it('saves the position inside a key read in windows, binary key names included', async () => {
    const inside: any[] = [];
    for (const n of [120, 640, 1000]) {
      const run = await runControlled(args(files('full_refresh')), { killAfter: n });
      for (const m of run.messages) {
        const scan = m.type === 'STATE' ? m.state.stream.stream_state.scan?.standalone : undefined;
        if (scan?.key !== undefined) inside.push(scan);
      }
    }
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.every((s) => s.position !== undefined && /^\d+$/.test(s.cursor))).toBe(true);
  });

  it('incremental streams killed mid-read resume from their entry IDs', async () => {
    for (const n of [300, 1900]) {
      const first = await runControlled(args(files('incremental')), { killAfter: n });
      const second = await runCli(args(files('incremental', lastStates(first.messages))));
      expect(second.code).toBe(0);
      const { missing, wrong } = compare(expected, [records(first), records(second)]);
      expect(missing).toEqual([]);
      expect(wrong).toEqual([]);
    }
  });

  it('a completed read ends each stream with the complete marker, and a new job given it starts from the beginning', async () => {
    const done = await runCli(args(files('full_refresh')));
    const finals = lastStates(done.messages) as any[];
    for (const s of finals) {
      expect(s.stream.stream_state).toEqual({ __ab_full_refresh_sync_complete: true });
    }
    const again = await runCli(args(files('full_refresh', finals)));
    expect(countBy(records(again))).toEqual(fullCounts);
  });
});
