// Faults injected mid-read, at several points: the union of emitted rows must be exactly what Redis held.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogFor, jsonFiles, records, traces } from '../harness/cli.js';
import { protocolProblems } from '../harness/protocol.js';
import { type RedisInstance, redisCli, startRedis } from '../harness/redis-server.js';
import { FlakyProxy, runControlled } from './controlled.js';
import { compare, seed, truth } from './dataset.js';

const TABLES = ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams'];
const POINTS = [150, 700, 1300];
const DB = 3;
const servers: RedisInstance[] = [];
const proxies: FlakyProxy[] = [];

/** A proxy in front of the server that the test can reset or blackhole; stopped after each test. */
async function proxyTo(port: number): Promise<FlakyProxy> {
  const proxy = new FlakyProxy(port);
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

afterEach(async () => {
  for (const p of proxies.splice(0)) await p.stop();
  for (const s of servers.splice(0)) await s.stop();
});

async function server(args: string[] = []): Promise<RedisInstance> {
  const s = await startRedis({ args: ['--enable-debug-command', 'yes', ...args] });
  servers.push(s);
  return s;
}

function files(port: number, extra: Record<string, unknown> = {}) {
  // Not db 0: a reconnect must select the configured database again.
  return jsonFiles({
    'config.json': { host: '127.0.0.1', port, db: DB, batch_size: 10, command_timeout_seconds: 1, connect_timeout_seconds: 2, max_retries: 6, ...extra },
    'catalog.json': catalogFor(TABLES, 'full_refresh'),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a read with `fault` injected at each point, and checks the rows against what Redis holds. */
async function readThrough(port: number, fault: () => Promise<void>, configPort = port) {
  const f = files(configPort);
  const result = await runControlled(['read', '--config', f['config.json'], '--catalog', f['catalog.json']], {
    at: POINTS.map((records) => ({ records, action: fault })),
  });
  expect(protocolProblems(result.lines)).toEqual([]);
  const said = result.lines.filter((l) => /"type":"LOG"|"type":"ERROR"/.test(l)).join('\n');
  expect(traces(result, 'ERROR'), said.slice(-3000)).toEqual([]);
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const { missing, wrong } = compare(await truth(port, '*', DB), [records(result)]);
  expect(missing).toEqual([]);
  expect(wrong).toEqual([]);
  const retried = result.messages.filter((m) => m.type === 'LOG' && /retrying in/.test(m.log.message));
  return { result, retried };
}

describe('faults mid-read', () => {
  it('a clean read emits exactly what Redis holds, and every snapshot stream ends complete', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    const { result } = await readThrough(s.port, async () => undefined);
    expect(records(result).length).toBeGreaterThan(POINTS[2] + 500);
    for (const t of TABLES) {
      const last = result.messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === t).at(-1);
      expect(last.state.stream.stream_state).toEqual({ __ab_full_refresh_sync_complete: true });
    }
  });

  it('CLIENT KILL from another connection', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    const { retried } = await readThrough(s.port, async () => {
      redisCli(s.port, ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
    });
    expect(retried.length).toBeGreaterThanOrEqual(POINTS.length);
  });

  it('a dropped connection (reset by the network)', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    const proxy = await proxyTo(s.port);
    const { retried } = await readThrough(s.port, async () => proxy.drop(), proxy.port);
    expect(retried.length).toBeGreaterThanOrEqual(POINTS.length);
  });

  it('a dead link that swallows traffic: the command timeout notices', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    const proxy = await proxyTo(s.port);
    const { retried } = await readThrough(
      s.port,
      async () => {
        proxy.swallow(true);
        setTimeout(() => proxy.swallow(false), 1500);
      },
      proxy.port,
    );
    expect(retried.some((m) => /timed out/i.test(m.log.message))).toBe(true);
  });

  it('a server restart on the same port', async () => {
    const s = await server(['--dbfilename', 'dump.rdb']);
    await seed(s.port, 'd', DB);
    let restarted: Promise<unknown> = Promise.resolve();
    const { retried } = await readThrough(s.port, async () => {
      await restarted;
      const pid = Number(/process_id:(\d+)/.exec(redisCli(s.port, ['INFO', 'server']).toString())![1]);
      redisCli(s.port, ['SAVE']);
      process.kill(pid, 'SIGKILL');
      await sleep(100);
      // Down for a while, then back with the same data: the retries must span the gap.
      restarted = sleep(600).then(() =>
        startRedis({ port: s.port, args: ['--enable-debug-command', 'yes', '--dir', s.dir, '--dbfilename', 'dump.rdb'] }).then((r) => servers.push(r)),
      );
    });
    await restarted;
    expect(retried.length).toBeGreaterThanOrEqual(POINTS.length);
  });

  it('a paused server (CLIENT PAUSE) and a slow command (DEBUG SLEEP)', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    let n = 0;
    const { retried } = await readThrough(s.port, async () => {
      if (n++ % 2 === 0) redisCli(s.port, ['CLIENT', 'PAUSE', '1800', 'ALL']);
      else spawn('redis-cli', ['-p', String(s.port), 'DEBUG', 'SLEEP', '1.8'], { stdio: 'ignore' });
      await sleep(50);
    });
    expect(retried.some((m) => /timed out/i.test(m.log.message))).toBe(true);
  });

  it('past max_retries: an ERROR trace with failure_type transient_error, INCOMPLETE, exit 1, in bounded time', async () => {
    const s = await server();
    await seed(s.port, 'd', DB);
    const f = jsonFiles({
      'config.json': { host: '127.0.0.1', port: s.port, db: DB, batch_size: 10, command_timeout_seconds: 1, connect_timeout_seconds: 1, max_retries: 2 },
      'catalog.json': catalogFor(TABLES, 'full_refresh'),
    });
    const result = await runControlled(['read', '--config', f['config.json'], '--catalog', f['catalog.json']], {
      at: [{ records: POINTS[0], action: async () => void (await servers.pop()!.stop()) }],
    });
    expect(protocolProblems(result.lines)).toEqual([]);
    expect(result.code).toBe(1);
    const errors = traces(result, 'ERROR');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.trace.error.failure_type).toBe('transient_error');
      expect(e.trace.error.message).toMatch(/after 3 attempts/);
      expect(e.trace.error.stack_trace).toBeUndefined();
    }
    const statuses = result.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.status);
    expect(statuses.at(-1)).toBe('INCOMPLETE');
    // Per stream two backoffs (≤ 0.25 s, ≤ 0.5 s) and refused connections: seconds, not minutes.
    expect(result.ms).toBeLessThan(20_000);
  });
});
