// The least-privilege ACL user of docs/integrations/sources/redis.md reads every table completely, and can
// write nothing. The rule below is the one the docs give, verbatim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli, startRedis, type RedisInstance } from '../harness/redis-server.js';
import { lintCatalog } from './discovery-lints.js';
import { airbyte, configFor, expectedRecords, fixture, seedFixtures } from './fixtures.js';
import { ACL_RULE } from './acl-rule.js';
import * as read from './read-asserts.js';

const PASSWORD = 'acl-test-password';

let redis: RedisInstance;

beforeAll(async () => {
  redis = await startRedis({ conf: [`user airbyte ${ACL_RULE.replace('PASSWORD', PASSWORD)}`] });
  seedFixtures(redis, { db: 3 });
});
afterAll(async () => redis?.stop());

describe('least-privilege ACL user', () => {
  const config = () => ({ ...configFor('sample_config.json', redis), db: 3, username: 'airbyte', password: PASSWORD });

  it('check succeeds', async () => {
    read.connectionStatus((await airbyte('check', { config: config() })).messages, 'SUCCEEDED');
  });

  it('reads every table, metadata columns included, with no warnings', async () => {
    const r = await airbyte('read', { config: config(), catalog: fixture('configured_catalog.json') });
    expect(r.code).toBe(0);
    const streams = lintCatalog((await airbyte('discover', { config: config() })).messages);
    read.everyStreamHasRecords(r.messages, streams.map((s) => s.name));
    read.expectedValuesMatch(r.messages, expectedRecords(), streams);
    for (const k of read.recordsOf(r.messages, 'keys')) {
      expect(k.data.memory_bytes, k.data.key_name).toBeTypeOf('number');
      expect(k.data.encoding).toBeTypeOf('string');
      expect(k.data.idle_time_seconds).toBeTypeOf('number');
    }
    expect(r.messages.filter((m) => m.type === 'LOG' && m.log.level !== 'INFO')).toEqual([]);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('cannot write, delete or reconfigure', () => {
    const as = ['--user', 'airbyte', '--pass', PASSWORD, '--no-auth-warning'];
    for (const cmd of [['SET', 'cat:x', '1'], ['DEL', 'cat:string:greeting'], ['CONFIG', 'SET', 'maxmemory', '1'], ['FLUSHDB']]) {
      expect(redisCli(redis.port, [...as, ...cmd]).toString()).toMatch(/NOPERM/);
    }
  });
});
