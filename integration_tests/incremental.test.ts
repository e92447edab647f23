// Issue 2, "it must show" 3: read, add entries to an existing stream and create a new stream key, read with
// the state: exactly the new entries. Plus the state shapes accepted from elsewhere.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, jsonFiles, records, runCli, states } from './harness/cli.js';
import { protocolProblems } from './harness/protocol.js';
import { type RedisInstance, startRedis } from './harness/redis-server.js';

let redis: RedisInstance;
let client: Redis;
const catalog = catalogFor(['streams'], 'incremental');

async function read(state?: unknown) {
  const files = jsonFiles({
    'config.json': { host: redis.host, port: redis.port, batch_size: 3 },
    'catalog.json': catalog,
    ...(state === undefined ? {} : { 'state.json': state }),
  });
  const args = ['read', '--config', files['config.json'], '--catalog', files['catalog.json']];
  if (state !== undefined) args.push('--state', files['state.json']);
  const r = await runCli(args);
  expect(protocolProblems(r.lines)).toEqual([]);
  expect(r.code).toBe(0);
  return r;
}

const ids = (r: Awaited<ReturnType<typeof read>>) => records(r).map((x) => `${x.data.key_name}/${x.data.entry_id}`).sort();
const lastState = (r: Awaited<ReturnType<typeof read>>) => states(r).pop().state;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ host: redis.host, port: redis.port });
  await client.xadd('orders', '1-2', 'item', 'a');
  await client.xadd('orders', '1-10', 'item', 'b');
  for (let i = 1; i <= 7; i++) await client.xadd('clicks', `50-${i}`, 'n', String(i));
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('incremental streams', () => {
  it('reads only what was added since the state, including a new stream key from its beginning', async () => {
    const first = await read();
    expect(ids(first)).toHaveLength(9);
    const state = lastState(first);
    expect(state.stream.stream_state.last_entry_ids).toEqual({ orders: '1-10', clicks: '50-7' });

    await client.xadd('orders', '2-0', 'item', 'c');
    await client.xadd('orders', '2-1', 'item', 'd');
    await client.xadd('fresh', '1-1', 'item', 'new key');
    const second = await read([state]);
    expect(ids(second)).toEqual(['fresh/1-1', 'orders/2-0', 'orders/2-1']);
    expect(lastState(second).stream.stream_state.last_entry_ids).toEqual({ orders: '2-1', clicks: '50-7', fresh: '1-1' });
  });

  it('a state at or past every entry yields no records and still a STATE', async () => {
    const r = await read([
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'streams' },
          stream_state: { last_entry_ids: { orders: '99999999999999-0', clicks: '99999999999999-0', fresh: '18446744073709551615-18446744073709551615' } },
        },
      },
    ]);
    expect(records(r)).toHaveLength(0);
    expect(states(r).length).toBeGreaterThan(0);
    expect(states(r).at(-1).state.sourceStats.recordCount).toBe(0);
  });

  it('compares entry IDs as numbers: after 1-2 comes 1-10', async () => {
    const r = await read([{ type: 'STREAM', stream: { stream_descriptor: { name: 'streams' }, stream_state: { last_entry_ids: { orders: '1-2' } } } }]);
    expect(ids(r).filter((x) => x.startsWith('orders/'))).toEqual(['orders/1-10', 'orders/2-0', 'orders/2-1']);
  });

  it('accepts a LEGACY state and the Lakeflow {"entry_id"} offset', async () => {
    const legacy = await read({ type: 'LEGACY', data: { streams: { last_entry_ids: { orders: '2-0', clicks: '50-7', fresh: '1-1' } } } });
    expect(ids(legacy)).toEqual(['orders/2-1']);
    const lakeflow = await read({ entry_id: '50-5' });
    expect(ids(lakeflow)).toEqual(['clicks/50-6', 'clicks/50-7']);
  });

  it('resumes from every checkpoint of a read paged by batch_size', async () => {
    const full = await read();
    const all = new Set(ids(full));
    const checkpoints = states(full).filter((s) => s.state.sourceStats.recordCount > 0);
    expect(checkpoints.length).toBeGreaterThan(1);
    let before = 0;
    for (const cp of checkpoints) {
      before += cp.state.sourceStats.recordCount;
      const rest = await read([cp.state]);
      // Records after the checkpoint plus those before it cover everything, nothing twice.
      expect(ids(rest).length).toBe(all.size - before);
      for (const id of ids(rest)) expect(all.has(id)).toBe(true);
    }
  });
});
