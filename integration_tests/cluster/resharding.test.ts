// A slot migrates from one primary to another while the CLI reads: no key is lost, the sync does not fail.
import calculateSlot from 'cluster-key-slot';
import { spawn } from 'node:child_process';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, catalogFor, jsonFiles } from '../harness/cli.js';
import { startCluster, type TestCluster } from '../harness/cluster.js';
import { canonical, diff, dump, seed } from '../harness/cluster-data.js';
import { protocolProblems } from '../harness/protocol.js';
import { hasRedisServer } from '../harness/redis-server.js';

const MIGRATED = 1000;
const TAG = '{migrating}';
const SLOT = calculateSlot(TAG);

/** Runs `read`, stops draining its stdout after `pauseAfter` lines (the CLI then blocks mid-read), runs `during`, drains the rest. */
function readWithPause(args: string[], pauseAfter: number, during: () => Promise<void>): Promise<{ code: number | null; lines: string[]; stderr: string; linesBefore: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    const lines: string[] = [];
    let stderr = '';
    let paused = false;
    let linesBefore = 0;
    child.stderr.on('data', (d) => (stderr += d));
    // A StringDecoder: a character split across two pipe chunks must not become two U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buffered += d;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts.filter(Boolean));
      if (!paused && lines.length >= pauseAfter) {
        paused = true;
        linesBefore = lines.length;
        child.stdout.pause();
        during().then(() => child.stdout.resume(), (e) => (child.kill('SIGKILL'), reject(e)));
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: buffered ? [...lines, buffered] : lines, stderr, linesBefore }));
  });
}

/** The test's own resharding, as redis-cli --cluster reshard does it: IMPORTING, MIGRATING, MIGRATE in batches, NODE. */
async function moveSlot(clients: Redis[], ids: string[], ports: number[], slot: number, from: number, to: number): Promise<void> {
  await clients[to].call('cluster', 'setslot', slot, 'importing', ids[from]);
  await clients[from].call('cluster', 'setslot', slot, 'migrating', ids[to]);
  for (;;) {
    const keys = (await clients[from].callBuffer('cluster', 'getkeysinslot', slot, 100)) as Buffer[];
    if (keys.length === 0) break;
    await clients[from].callBuffer('migrate', '127.0.0.1', ports[to], '', 0, 10000, 'KEYS', ...keys);
  }
  for (const c of clients) await c.call('cluster', 'setslot', slot, 'node', ids[to]);
}

const BIG_HASH = Buffer.from('{bighash}:h:ü');
const BIG_FIELDS = 3000;

describe.skipIf(!hasRedisServer())('Redis Cluster resharding during a read', () => {
  let cluster: TestCluster;
  let seeds: string;
  beforeAll(async () => {
    cluster = await startCluster(3, 0);
    seeds = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    const w = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0].port }]);
    await seed(w, 20);
    // Enough keys that the CLI's output outgrows the pipe buffers, so pausing stdout pauses the read.
    for (let i = 0; i < 2000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => w.set(`filler:${i + j}:${'x'.repeat(40)}`, 'f')));
    for (let i = 0; i < MIGRATED; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => w.callBuffer('set', Buffer.from(`${TAG}:${i + j}:ü`), Buffer.from([0xff, (i + j) & 255]))));
    }
    await w.hset(`${TAG}:hash`, 'a', '1', 'b', '2');
    for (let i = 0; i < BIG_FIELDS; i += 500) {
      const args = Array.from({ length: 500 }, (_, j) => [Buffer.from(`field:${i + j}`), Buffer.from([0xfe, (i + j) & 255, 0x41])]).flat();
      await w.callBuffer('hset', BIG_HASH, ...args);
    }
    await w.quit();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`moves slot ${SLOT} (${MIGRATED} keys) between primaries mid-read: every key read exactly once`, async () => {
    const clients = cluster.nodes.map((n) => new Redis({ host: n.host, port: n.port }));
    const ids = await Promise.all(clients.map(async (c) => String(await c.call('cluster', 'myid'))));
    const owner = await Promise.all(clients.map(async (c) => Number(await c.call('cluster', 'countkeysinslot', SLOT))));
    const from = owner.findIndex((n) => n > 0);
    const to = (from + 1) % clients.length;
    const migrate = () => moveSlot(clients, ids, cluster.nodes.map((n) => n.port), SLOT, from, to);
    const files = jsonFiles({
      'config.json': { host: '127.0.0.1', port: 1, batch_size: 5, deployment: { mode: 'cluster', seed_nodes: seeds } },
      'catalog.json': catalogFor(undefined, 'full_refresh'),
    });
    const r = await readWithPause(['read', '--config', files['config.json'], '--catalog', files['catalog.json']], 50, migrate);
    expect(r.stderr).toBe('');
    expect(protocolProblems(r.lines)).toEqual([]);
    const messages = r.lines.map((l) => JSON.parse(l));
    expect(r.code).toBe(0);
    // The keys table was still being read when the slot moved.
    const keysDone = messages.findIndex((m) => m.type === 'TRACE' && m.trace.stream_status?.stream_descriptor.name === 'keys' && m.trace.stream_status.status === 'COMPLETE');
    expect(keysDone).toBeGreaterThan(r.linesBefore);
    expect(messages.some((m) => m.type === 'LOG' && /resharded during the read/.test(m.log.message))).toBe(true);

    expect(Number(await clients[to].call('cluster', 'countkeysinslot', SLOT))).toBe(MIGRATED + 1);
    const expected = await dump(clients);
    const { tables, dupes } = canonical(messages.filter((m) => m.type === 'RECORD').map((m) => m.record));
    expect(diff(expected, tables)).toEqual([]);
    // Emitted keys are remembered, so the re-read of the moved slot adds only the keys the first pass missed.
    expect(dupes).toEqual([]);
    for (const c of clients) c.disconnect();
  });

  it('a large hash moves to another node while it is read window by window: every field read, the sync succeeds', async () => {
    const clients = cluster.nodes.map((n) => new Redis({ host: n.host, port: n.port }));
    const slot = calculateSlot(BIG_HASH);
    const ids = await Promise.all(clients.map(async (c) => String(await c.call('cluster', 'myid'))));
    const from = (await Promise.all(clients.map(async (c) => Number(await c.call('cluster', 'countkeysinslot', slot))))).findIndex((n) => n > 0);
    const to = (from + 1) % clients.length;
    const files = jsonFiles({
      'config.json': { host: '127.0.0.1', port: 1, batch_size: 5, deployment: { mode: 'cluster', seed_nodes: seeds } },
      'catalog.json': catalogFor(['hashes']),
    });
    const r = await readWithPause(['read', '--config', files['config.json'], '--catalog', files['catalog.json']], 100, () =>
      moveSlot(clients, ids, cluster.nodes.map((n) => n.port), slot, from, to),
    );
    expect(r.stderr).toBe('');
    expect(protocolProblems(r.lines)).toEqual([]);
    expect(r.code).toBe(0);
    expect(Number(await clients[to].call('cluster', 'countkeysinslot', slot))).toBe(1);
    const messages = r.lines.map((l) => JSON.parse(l));
    const expected = await dump(clients);
    const { tables, dupes } = canonical(messages.filter((m) => m.type === 'RECORD').map((m) => m.record));
    expect(diff(new Map([['hashes', expected.get('hashes')!]]), tables)).toEqual([]);
    // The hash was re-read from its start on its new node (its HSCAN cursor meant nothing there):
    // fields read before the move repeat, within that one key only.
    expect(dupes.length).toBeGreaterThan(0);
    expect(dupes.filter((d) => !d.startsWith(`hashes ${BIG_HASH.toString('hex')}|`))).toEqual([]);
    for (const c of clients) c.disconnect();
  });
});
