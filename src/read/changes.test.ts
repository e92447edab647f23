// Keys changed between SCAN and read, injected at the exact point through the step hook, on a real Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisInstance, startRedis } from '../../integration_tests/harness/redis-server.js';
import { lists } from '../tables/collections.js';
import { strings } from '../tables/strings.js';
import type { RowContext } from '../tables/types.js';
import { ChangeCounter } from './changes.js';
import { readKeySpace, type ReadEvent } from './keyspace.js';

let server: RedisInstance;
let r: Redis;
beforeAll(async () => {
  server = await startRedis();
  r = new Redis({ port: server.port, host: '127.0.0.1' });
});
afterAll(async () => {
  r.disconnect();
  await server.stop();
});

const ctx = (): RowContext => ({ scannedAt: 0, maxValueBytes: 1 << 20, disabled: new Set(), warn: () => undefined });

async function collect(table: any, step: any): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  const space = { id: 'standalone', client: r };
  for await (const e of readKeySpace({ space, table, pattern: '*', batchSize: 5, ctx: ctx(), start: { cursor: '0' }, step })) out.push(e);
  return out;
}

it('keys deleted, expired or retyped between SCAN and read give no rows, and are counted by kind', async () => {
  await r.flushall();
  for (let i = 0; i < 8; i++) await r.set(`s${i}`, `v${i}`);
  const events = await collect(strings, async (what: string, fn: () => Promise<any>) => {
    const out = await fn();
    if (what === 'SCAN') {
      for (const k of out.keys.map(String)) {
        if (k === 's1') await r.del(k);
        if (k === 's2') await r.pexpire(k, 1).then(() => new Promise((res) => setTimeout(res, 5)));
        if (k === 's3') await r.rename(k, 'moved');
        if (k === 's4') await r.del(k).then(() => r.rpush(k, 'x'));
      }
    }
    return out;
  });
  const rows = events.flatMap((e) => (e.kind === 'rows' ? e.rows.map((x) => x.data.key_name) : []));
  expect(rows).not.toContain('s1');
  expect(rows).not.toContain('s2');
  expect(rows).not.toContain('s3');
  expect(rows).not.toContain('s4');
  for (const k of ['s0', 's5', 's6', 's7']) expect(rows).toContain(k);
  const counter = new ChangeCounter();
  for (const e of events) if (e.kind === 'vanished') counter.add(e.change);
  expect(counter.count('gone')).toBe(3);
  expect(counter.count('type')).toBe(1);
  expect(counter.summary('strings')).toMatch(/3 keys deleted, expired or renamed.*1 key changed to another type/);
});

it('a key that changes type between two windows keeps the rows read and is counted as changed mid-read', async () => {
  await r.flushall();
  await r.rpush('big', ...Array.from({ length: 40 }, (_, i) => `v${i}`));
  let windows = 0;
  const events = await collect(lists, async (what: string, fn: () => Promise<any>) => {
    if (what === 'read of big' && ++windows === 3) await r.del('big').then(() => r.set('big', 'now a string'));
    return fn();
  });
  const rows = events.flatMap((e) => (e.kind === 'rows' ? e.rows : []));
  // Head window and two more (5 elements each) were read before the change.
  expect(rows).toHaveLength(15);
  expect(rows.every((x) => x.data.value !== null && String(x.data.value).startsWith('v'))).toBe(true);
  expect(events.filter((e) => e.kind === 'vanished').map((e: any) => e.change)).toEqual(['type-mid-read']);
});
