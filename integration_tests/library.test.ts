// The library API (Lakeflow's interface) against a real Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnector } from '../src/index.js';
import { freePort, type RedisInstance, startRedis } from './harness/redis-server.js';

let redis: RedisInstance;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ host: redis.host, port: redis.port });
  await client.hset('user:1', 'name', 'Ada', 'lang', 'en');
  await client.hset('other:1', 'x', '1');
  await client.xadd('events', '1-1', 'a', '1');
  await client.xadd('events', '1-2', 'a', '2');
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('RedisConnector', () => {
  const config = () => ({ host: redis.host, port: String(redis.port) });

  it('tests the connection, and says why it fails', async () => {
    expect(await new RedisConnector(config()).testConnection()).toMatchObject({ ok: true, message: expect.stringMatching(/Redis 7/) });
    const port = await freePort();
    expect(await new RedisConnector({ host: '127.0.0.1', port }).testConnection()).toEqual({
      ok: false,
      message: expect.stringMatching(/Connection refused at 127\.0\.0\.1/),
    });
  });

  it('refuses an invalid config naming the field', () => {
    expect(() => new RedisConnector({ port: 1 })).toThrow("'host' is required");
  });

  it('lists the eight tables with their metadata and schemas', () => {
    const c = new RedisConnector(config());
    expect(c.listTables()).toEqual(['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams', 'server_info']);
    expect(c.readTableMetadata('streams')).toEqual({ primary_keys: ['key_name', 'entry_id'], cursor_field: 'entry_id', ingestion_type: 'append' });
    expect(c.readTableMetadata('hashes')).toEqual({ primary_keys: ['key_name', 'field'], ingestion_type: 'snapshot' });
    expect(c.getTableSchema('sets')).toMatchObject({ type: 'object', properties: { member: { type: 'string' } } });
    expect(() => c.readTableMetadata('users')).toThrow(/Unknown table 'users'/);
  });

  it('reads a table with per-call key_pattern', async () => {
    const { records } = await new RedisConnector(config()).readTable('hashes', null, { key_pattern: 'user:*', batch_size: 1 });
    expect(records.map((r) => [r.key_name, r.field, r.value]).sort()).toEqual([
      ['user:1', 'lang', 'en'],
      ['user:1', 'name', 'Ada'],
    ]);
  });

  it('continues streams from the returned offset', async () => {
    const c = new RedisConnector(config());
    const first = await c.readTable('streams');
    expect(first.records.map((r) => r.entry_id)).toEqual(['1-1', '1-2']);
    expect(first.offset).toEqual({ last_entry_ids: { events: '1-2' } });
    await client.xadd('events', '2-0', 'a', '3');
    const second = await c.readTable('streams', first.offset);
    expect(second.records.map((r) => r.entry_id)).toEqual(['2-0']);
    const lakeflow = await c.readTable('streams', { entry_id: '1-1' });
    expect(lakeflow.records.map((r) => r.entry_id)).toEqual(['1-2', '2-0']);
  });
});
