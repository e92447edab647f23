// Issue 4, "it must show" 2: memory is bounded by the window, not by the data. Nothing here is timed: the
// server's own view (MONITOR, INFO commandstats) says what the connector asked for and when it stopped.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, CLI, jsonFiles, runCli, records, traces } from './harness/cli.js';
import { protocolProblems } from './harness/protocol.js';
import { type RedisInstance, startRedis } from './harness/redis-server.js';

const N = 50_000;
const WINDOW = 100;
// HSCAN/SSCAN COUNT is a hint: Redis stops after the bucket where COUNT is reached, so a reply may carry
// the rest of that bucket's chain too. A handful over the window is Redis; hundreds would be us.
const SCAN_SLACK = 20;
let redis: RedisInstance;
let client: Redis;

async function seed(r: Redis) {
  for (let from = 0; from < N; from += 1000) {
    const ids = Array.from({ length: 1000 }, (_, j) => from + j);
    await r.rpush('big:list', ...ids.map((i) => `element-${i}`));
    await r.hset('big:hash', ...ids.flatMap((i) => [`field-${i}`, `value-${i}`]));
    await r.sadd('big:set', ...ids.map((i) => `member-${i}`));
    await r.zadd('big:zset', ...ids.flatMap((i) => [i, `member-${i}`]));
    const p = r.pipeline();
    for (const i of ids) p.xadd('big:stream', `${i + 1}-0`, 'n', String(i));
    await p.exec();
  }
}

const calls = async (command: string) =>
  Number(/calls=(\d+)/.exec((await client.info('commandstats')).split('\n').find((l) => l.startsWith(`cmdstat_${command}:`)) ?? '')?.[1] ?? 0);

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  await client.connect();
  await seed(client);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('bounded memory', () => {
  it('reads every element of 50k-element collections in replies no larger than the window', async () => {
    const monitor = await client.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
    const tables = ['lists', 'hashes', 'sets', 'sorted_sets', 'streams'];
    const files = jsonFiles({ 'config.json': { host: redis.host, port: redis.port, batch_size: WINDOW }, 'catalog.json': catalogFor(tables, 'full_refresh') });
    const read = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
    monitor.disconnect();
    expect(read.code).toBe(0);
    expect(protocolProblems(read.lines)).toEqual([]);
    for (const t of tables) expect(records(read, t).length, t).toBe(N);

    const of = (name: string) => seen.filter((a) => a[0].toLowerCase() === name);
    // Never a whole collection in one reply.
    for (const whole of ['hgetall', 'smembers', 'hvals', 'hkeys', 'lrange', 'zrange', 'xrange']) {
      for (const a of of(whole)) {
        if (whole === 'lrange' || whole === 'zrange') expect(Number(a[3]) - Number(a[2]) + 1, a.join(' ')).toBeLessThanOrEqual(WINDOW);
        else if (whole === 'xrange') expect(a.slice(4).map(String), a.join(' ')).toEqual(['COUNT', String(WINDOW)]);
        else throw new Error(`whole-collection command sent: ${a.join(' ')}`);
      }
    }
    expect(of('lrange').length).toBeGreaterThanOrEqual(N / WINDOW);
    expect(of('zrange').length).toBeGreaterThanOrEqual(N / WINDOW);
    expect(of('xrange').length).toBeGreaterThanOrEqual(N / WINDOW);
    // HSCAN/SSCAN replies, counted by asking the unchanged server the same cursors again.
    for (const name of ['hscan', 'sscan']) {
      const sent = of(name);
      expect(sent.length, name).toBeGreaterThanOrEqual(N / (WINDOW + SCAN_SLACK));
      let largest = 0;
      for (const a of sent) {
        expect(a.slice(3), a.join(' ')).toEqual(['COUNT', String(WINDOW)]);
        const [, items] = (await client.call(name, a[1], a[2], 'COUNT', WINDOW)) as [string, string[]];
        largest = Math.max(largest, name === 'hscan' ? items.length / 2 : items.length);
      }
      expect(largest, name).toBeLessThanOrEqual(WINDOW + SCAN_SLACK);
    }
  });

  it('with stdout not read, stops asking Redis for more and stays small; every record arrives once it is read', async () => {
    const files = jsonFiles({ 'config.json': { host: redis.host, port: redis.port, batch_size: WINDOW }, 'catalog.json': catalogFor(['lists'], 'full_refresh') });
    const before = await calls('lrange');
    const child = spawn(process.execPath, [CLI, 'read', '--config', files['config.json'], '--catalog', files['catalog.json']], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause(); // nobody reads: the pipe fills and the connector must wait
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    // Wait until the connector has started reading, then until its LRANGE count holds still.
    let stalled = -1;
    for (let i = 0; i < 200 && stalled < 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const a = await calls('lrange');
      await new Promise((r) => setTimeout(r, 500));
      const b = await calls('lrange');
      if (b > before && a === b) stalled = b - before;
    }
    expect(stalled, 'the connector never held still with stdout full').toBeGreaterThan(0);
    // Held still well before the end: a few windows past what the pipe holds, not the whole list.
    expect(stalled).toBeLessThan(N / WINDOW / 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await calls('lrange')).toBe(before + stalled);
    expect(rss()).toBeLessThan(200 * 1024 * 1024);

    const out: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stdout.resume();
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const lines = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean);
    const recs = lines.map((l) => JSON.parse(l)).filter((m) => m.type === 'RECORD');
    expect(recs.length).toBe(N);
    expect(new Set(recs.map((r) => r.record.data.list_index)).size).toBe(N);
    expect(traces({ messages: lines.map((l) => JSON.parse(l)) } as any, 'ESTIMATE').length).toBeGreaterThan(0);
  });
});
