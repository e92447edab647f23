// Sentinel through the real CLI: a primary, a replica and a sentinel, all with passwords; every table byte-exact.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, jsonFiles, records, runCli, type CliResult } from '../harness/cli.js';
import { canonical, diff, dump, seed, type Tables } from '../harness/cluster-data.js';
import { ACL_RULE } from '../acceptance/acl-rule.js';
import { protocolProblems } from '../harness/protocol.js';
import { SENTINEL_ACL } from '../../src/redis/nodes.js';
import { freePort, hasRedisServer, type RedisInstance, startRedis } from '../harness/redis-server.js';

const DATA_SECRET = 'data-secret-3f9a';
const READER_SECRET = 'reader-secret-51d0';
const SENTINEL_SECRET = 'sentinel-secret-77c1';
const at = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasRedisServer())('Sentinel', () => {
  const servers: RedisInstance[] = [];
  let primary: RedisInstance;
  let replica: RedisInstance;
  let sentinel: RedisInstance;
  let expected: Tables;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    const auth = ['--requirepass', DATA_SECRET, '--masterauth', DATA_SECRET];
    servers.push((primary = await startRedis({ args: auth })));
    servers.push((replica = await startRedis({ args: [...auth, '--replicaof', '127.0.0.1', String(primary.port)] })));
    const p = new Redis({ host: primary.host, port: primary.port, password: DATA_SECRET });
    await seed(p, 30);
    expect(Number(await p.call('wait', 1, 10000))).toBe(1);
    expected = await dump([p]);
    p.disconnect();
    // The data nodes are read by the docs' least-privilege user (which may not run ROLE).
    for (const n of [primary, replica]) {
      const c = new Redis({ host: n.host, port: n.port, password: DATA_SECRET });
      await c.call('acl', 'setuser', 'reader', ...ACL_RULE.replace('PASSWORD', READER_SECRET).split(' '));
      c.disconnect();
    }
    servers.push(
      (sentinel = await startRedis({
        args: ['--sentinel'],
        conf: [
          `sentinel monitor mymaster 127.0.0.1 ${primary.port} 1`,
          `sentinel auth-pass mymaster ${DATA_SECRET}`,
          'sentinel down-after-milliseconds mymaster 60000',
          'requirepass sentinel-admin-pass-1',
          `user sreader on >${SENTINEL_SECRET} ${SENTINEL_ACL}`,
          `user noreplicas on >${SENTINEL_SECRET} ${SENTINEL_ACL.replace(' +sentinel|replicas', '')}`,
        ],
      })),
    );
    const s = new Redis({ host: sentinel.host, port: sentinel.port, password: 'sentinel-admin-pass-1' });
    await until('the sentinel to see the replica in sync', async () => {
      const list = (await s.call('sentinel', 'replicas', 'mymaster')) as string[][];
      return list.some((r) => r.join(' ').includes('master-link-status ok'));
    });
    s.disconnect();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const config = (extra: Record<string, unknown> = {}) => ({
    host: 'ignored.invalid',
    username: 'reader',
    password: READER_SECRET,
    batch_size: 9,
    deployment: { mode: 'sentinel', sentinels: `127.0.0.1:${sentinel.port}`, master_name: 'mymaster', sentinel_username: 'sreader', sentinel_password: SENTINEL_SECRET, ...extra },
  });

  async function check(cfg: object) {
    const files = jsonFiles({ 'config.json': cfg });
    const r = await runCli(['check', '--config', files['config.json']]);
    outputs.push(r);
    expect(r.code).toBe(0);
    return r.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus as { status: string; message: string };
  }

  async function readAll(cfg: object) {
    const files = jsonFiles({ 'config.json': cfg, 'catalog.json': catalogFor(undefined, 'full_refresh') });
    const r = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
    outputs.push(r);
    expect(r.stderr).toBe('');
    expect(protocolProblems(r.lines)).toEqual([]);
    expect(r.code).toBe(0);
    return r;
  }

  it('documents the sentinel rule it uses', () => {
    const docs = readFileSync(new URL('../../docs/integrations/sources/redis.md', import.meta.url), 'utf8');
    expect(docs).toContain(`\`${SENTINEL_ACL}\``);
  });

  it('check finds the primary through the sentinel', async () => {
    const status = await check(config());
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toContain(`primary ${at(primary)} of 'mymaster', via sentinels 127.0.0.1:${sentinel.port}`);
  });

  it('reads all eight tables from the primary: every key once, exact bytes', async () => {
    const r = await readAll(config());
    const { tables, dupes } = canonical(records(r));
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    const info = records(r, 'server_info').map((x) => x.data);
    expect(new Set(info.map((d) => d.node))).toEqual(new Set(['']));
    expect(info.find((d) => d.property === 'role')?.value).toBe('master');
    expect(info.find((d) => d.property === 'tcp_port')?.value).toBe(String(primary.port));
  });

  it('reads the replica when read_from_replica is on', async () => {
    const r = await readAll(config({ read_from_replica: true }));
    const { tables, dupes } = canonical(records(r));
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    const info = records(r, 'server_info').map((x) => x.data);
    expect(new Set(info.map((d) => d.node))).toEqual(new Set(['']));
    expect(info.find((d) => d.property === 'tcp_port')?.value).toBe(String(replica.port));
    expect(info.find((d) => d.property === 'role')?.value).toBe('slave');
  });

  it('fails check naming the cause: unknown master name, wrong sentinel password, unreachable sentinels', async () => {
    const name = await check(config({ master_name: 'nosuchmaster' }));
    expect(name.status).toBe('FAILED');
    expect(name.message).toContain(`The sentinels (127.0.0.1:${sentinel.port}) know no master named 'nosuchmaster'`);

    const auth = await check(config({ sentinel_password: 'wrong-sentinel-pass' }));
    expect(auth.status).toBe('FAILED');
    expect(auth.message).toMatch(new RegExp(`sentinel 127.0.0.1:${sentinel.port}: Authentication failed`));

    const noReplicas = await check(config({ sentinel_username: 'noreplicas', read_from_replica: true }));
    expect(noReplicas.status).toBe('FAILED');
    expect(noReplicas.message).toContain(`Permission denied at sentinel 127.0.0.1:${sentinel.port}: NOPERM`);
    expect(noReplicas.message).toContain(`Add '${SENTINEL_ACL}' to the user's ACL rule`);

    const closed = await freePort();
    const down = await check(config({ sentinels: `127.0.0.1:${closed}` }));
    expect(down.status).toBe('FAILED');
    expect(down.message).toContain(`None of the sentinels could be asked for master 'mymaster': sentinel 127.0.0.1:${closed}: Connection refused`);

    const dataAuth = await check({ ...config(), password: 'wrong-data-pass' });
    expect(dataAuth.status).toBe('FAILED');
    expect(dataAuth.message).toContain(`primary ${at(primary)} of 'mymaster', but it cannot be read: Authentication failed`);
  });

  it('after a failover, reads the new primary the sentinels name', async () => {
    const s = new Redis({ host: sentinel.host, port: sentinel.port, password: 'sentinel-admin-pass-1' });
    const promoted = new Redis({ host: replica.host, port: replica.port, password: DATA_SECRET });
    try {
      await s.call('sentinel', 'failover', 'mymaster');
      await until('the replica to be promoted', async () => {
        const master = (await s.call('sentinel', 'get-master-addr-by-name', 'mymaster')) as string[];
        return Number(master[1]) === replica.port && /role:master/.test(await promoted.info('replication'));
      });
    } finally {
      s.disconnect();
      promoted.disconnect();
    }
    const r = await readAll(config());
    const { tables, dupes } = canonical(records(r));
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    const info = records(r, 'server_info').map((x) => x.data);
    expect(info.find((d) => d.property === 'tcp_port')?.value).toBe(String(replica.port));
    expect(info.find((d) => d.property === 'role')?.value).toBe('master');
  });

  it('never prints a password', () => {
    expect(outputs.length).toBeGreaterThan(4);
    for (const r of outputs) {
      for (const secret of [DATA_SECRET, READER_SECRET, SENTINEL_SECRET, 'sentinel-admin-pass-1', 'wrong-sentinel-pass', 'wrong-data-pass']) {
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }
  });
});
