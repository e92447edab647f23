// The sweep filters keys by pattern itself; it must decide exactly as the server's SCAN MATCH does.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatch } from '../../src/redis/glob.js';
import { hasRedisServer, type RedisInstance, startRedis } from '../harness/redis-server.js';

const KEYS = [
  'a', 'abc', 'axc', 'ab', 'b', 'bx', 'cx', 'dx', '*lit', 'xlit', 'h]', 'h\\', 'user:1:name', 'user:22:name', 'user::name',
  'ключ', 'ключи', '🚀x', '-', 'a-b', '[', 'a[b', '', 'aaa', 'a*',
].map((k) => Buffer.from(k)).concat([Buffer.from([0xff, 0x00]), Buffer.from([0x61, 0xff]), Buffer.from([0x5b, 0xfe])]);

const PATTERNS = [
  '*', 'a*', '*b', '*c', 'a?c', '?', '??', '[abc]*', '[^a]*', '[a-c]x', '[c-a]x', '\\*lit', '*lit', 'h[\\]]', 'h\\\\',
  'user:*:name', 'user:?:name', 'ключ*', 'ключ?', '?x', '[', '[a', 'a[', '*[', 'a\\', '[-]', 'a[-]b', '**a', 'a**', '*a*', '[!a]*', '[a-]*',
];

describe.skipIf(!hasRedisServer())('globMatch', () => {
  let server: RedisInstance;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis({ host: server.host, port: server.port });
    for (const k of KEYS) if (k.length > 0) await client.set(k, '1');
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it.each(PATTERNS)('matches what SCAN MATCH %s returns', async (pattern) => {
    const fromServer = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = (await client.callBuffer('scan', cursor, 'MATCH', pattern, 'COUNT', 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      for (const k of keys) fromServer.add(k.toString('hex'));
    } while (cursor !== '0');
    const ours = new Set(KEYS.filter((k) => k.length > 0 && globMatch(pattern, k)).map((k) => k.toString('hex')));
    expect([...ours].sort()).toEqual([...fromServer].sort());
  });
});
