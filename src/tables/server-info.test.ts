import { describe, expect, it } from 'vitest';
import { infoRows } from './server-info.js';

describe('infoRows', () => {
  it("takes sections from INFO's own headers and keeps values exactly as printed", () => {
    const info = '# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\n# Errorstats\r\nerrorstat_ERR:count=2\r\n';
    expect(infoRows(info, 1, '10.0.0.1:7000').map((r) => r.data)).toEqual([
      { node: '10.0.0.1:7000', section: 'server', property: 'redis_version', value: '7.0.15', collected_at: 1 },
      { node: '10.0.0.1:7000', section: 'server', property: 'executable', value: '/usr/bin/redis-server', collected_at: 1 },
      { node: '10.0.0.1:7000', section: 'keyspace', property: 'db0', value: 'keys=3,expires=1,avg_ttl=0', collected_at: 1 },
      { node: '10.0.0.1:7000', section: 'errorstats', property: 'errorstat_ERR', value: 'count=2', collected_at: 1 },
    ]);
  });
});
