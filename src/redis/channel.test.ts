import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisInstance, startRedis } from '../../integration_tests/harness/redis-server.js';
import { Channel } from './channel.js';
import { isConnectionError } from './pipeline.js';

let redis: RedisInstance;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  await client.connect();
  await client.select(3); // the channel must follow the client's current database, not its options
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('Channel', () => {
  it('answers a batch in order, binary-safe, with per-command errors in place', async () => {
    const key = Buffer.from([0x6b, 0x0d, 0x0a, 0xff, 0x00, 0x24]);
    const value = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2a, 0x31]);
    await client.set(key, value);
    await client.rpush('list', 'a', 'b');
    const channel = new Channel(client);
    try {
      const replies = await channel.send([['get', key], ['get', 'list'], ['lrange', 'list', 0, -1], ['ttl', key], ['get', 'ключ']]);
      expect(replies[0]).toEqual([null, value]);
      expect(replies[1][0]?.message).toMatch(/WRONGTYPE/);
      expect(replies[2]).toEqual([null, [Buffer.from('a'), Buffer.from('b')]]);
      expect(replies[3]).toEqual([null, -1]);
      expect(replies[4]).toEqual([null, null]);
      // Several batches in flight come back each to its own caller.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => channel.send([['echo', String(i)], ['echo', `x${i}`]])));
      many.forEach((r, i) => expect(r.map(([, v]) => String(v))).toEqual([String(i), `x${i}`]));
    } finally {
      await channel.close();
    }
  });

  it('fails the batches in flight when its connection dies, as a connection error, and reconnects on the next send', async () => {
    await client.set('k', 'v');
    const channel = new Channel(client);
    try {
      await channel.send([['get', 'k']]);
      const id = await client.client('ID');
      const list = String(await client.client('LIST'));
      const mine = list.split('\n').filter((l) => l.includes('db=3') && !l.startsWith(`id=${id} `));
      expect(mine.length).toBe(1);
      const inFlight = channel.send([['blpop', 'nothing', 2], ['get', 'k']]);
      await client.client('KILL', 'ID', /id=(\d+)/.exec(mine[0])![1]);
      const err = await inFlight.then(() => undefined, (e: Error) => e);
      expect(err && isConnectionError(err)).toBe(true);
      expect(await channel.send([['get', 'k']])).toEqual([[null, Buffer.from('v')]]);
    } finally {
      await channel.close();
    }
  });
});
