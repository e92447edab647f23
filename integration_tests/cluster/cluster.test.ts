// Redis Cluster through the real CLI: three shards with a replica each, every table, every key once, exact bytes.
import { readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, jsonFiles, records, runCli, states } from '../harness/cli.js';
import { startCluster, type TestCluster, withClient } from '../harness/cluster.js';
import { canonical, diff, dump, seed, type Tables } from '../harness/cluster-data.js';
import { ACL_RULE } from '../acceptance/acl-rule.js';
import { protocolProblems } from '../harness/protocol.js';
import { CLUSTER_ACL } from '../../src/redis/nodes.js';
import { freePort, hasRedisServer, startRedis } from '../harness/redis-server.js';

const at = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

describe.skipIf(!hasRedisServer())('Redis Cluster', () => {
  let cluster: TestCluster;
  let expected: Tables;
  let seeded: number;
  let primaries: string[];
  let replicas: string[];

  beforeAll(async () => {
    cluster = await startCluster(3, 1);
    const writer = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0].port }]);
    seeded = await seed(writer, 40);
    await writer.quit();
    const roles = await cluster.roles();
    primaries = roles.primaries.map(at).sort();
    replicas = roles.replicas.map(at).sort();
    const clients = roles.primaries.map((n) => new Redis({ host: n.host, port: n.port }));
    // Replicas have every write before anything reads them.
    for (const c of clients) expect(Number(await c.call('wait', 1, 5000))).toBe(1);
    expected = await dump(clients);
    for (const c of clients) c.disconnect();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function config(extra: Record<string, unknown> = {}) {
    // The first seed is a closed port: the connector moves on to the next.
    const seeds = `127.0.0.1:${await freePort()},${at(cluster.nodes[1])}`;
    return { host: '127.0.0.1', port: 1, batch_size: 7, deployment: { mode: 'cluster', seed_nodes: seeds, ...extra } };
  }

  async function readAll(cfg: object, streamsMode: 'full_refresh' | 'incremental' = 'full_refresh') {
    const files = jsonFiles({ 'config.json': cfg, 'catalog.json': catalogFor(undefined, streamsMode) });
    const r = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
    expect(r.stderr).toBe('');
    expect(protocolProblems(r.lines)).toEqual([]);
    expect(r.code).toBe(0);
    return r;
  }

  it('has the data it was seeded with on the servers', () => {
    expect(expected.get('keys')!.size).toBe(seeded);
  });

  it('check reports the cluster and its shards', async () => {
    const files = jsonFiles({ 'config.json': await config() });
    const r = await runCli(['check', '--config', files['config.json']]);
    const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus;
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toMatch(/Redis 7\S* \(cluster\) at Redis Cluster of 3 shards, reading 3 primaries/);
    // Without seed nodes, host and port are the seed.
    const plain = jsonFiles({ 'config.json': { host: '127.0.0.1', port: cluster.nodes[2].port, deployment: { mode: 'cluster' } } });
    const r2 = await runCli(['check', '--config', plain['config.json']]);
    expect(r2.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus.status).toBe('SUCCEEDED');
  });

  it('reads all eight tables from every primary: every key once, exact bytes', async () => {
    const r = await readAll(await config());
    const { tables, dupes } = canonical(records(r));
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    // Checkpoints hold one SCAN cursor per shard, named by node id and slots.
    const mids = states(r, 'keys').map((s) => s.state.stream.stream_state).filter((s) => s.scan);
    const mid = mids[mids.length - 1];
    expect(Object.keys(mid.scan)).toHaveLength(3);
    for (const id of Object.keys(mid.scan)) expect(id).toMatch(/^[0-9a-f]{40}@\d+-\d+$/);
    // server_info: one row per node per property, from each primary.
    const info = records(r, 'server_info').map((x) => x.data);
    expect([...new Set(info.map((d) => d.node))].sort()).toEqual(primaries);
    expect(new Set(info.map((d) => `${d.node}|${d.section}|${d.property}`)).size).toBe(info.length);
    expect(info.filter((d) => d.property === 'redis_mode').map((d) => d.value)).toEqual(['cluster', 'cluster', 'cluster']);
  });

  it('reads every shard from a replica when asked', async () => {
    const r = await readAll(await config({ read_from_replicas: true }), 'incremental');
    const { tables, dupes } = canonical(records(r));
    // Incremental streams: the last entry ID of every stream key, whichever shard holds it.
    const last = states(r, 'streams').at(-1).state.stream.stream_state.last_entry_ids;
    expect(Object.keys(last)).toHaveLength(new Set([...expected.get('streams')!.keys()].map((k) => k.split('|')[0])).size);
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    const info = records(r, 'server_info').map((x) => x.data);
    expect([...new Set(info.map((d) => d.node))].sort()).toEqual(replicas);
    expect(info.filter((d) => d.property === 'role').map((d) => d.value)).toEqual(['slave', 'slave', 'slave']);
  });

  it('resumes from the per-shard cursors of a checkpoint without losing a key', async () => {
    const cfg = await config();
    const first = await readAll(cfg);
    const midMessage = states(first, 'strings').filter((m) => m.state.stream.stream_state.scan)[1];
    expect(midMessage).toBeDefined();
    const mid = midMessage.state;
    const files = jsonFiles({ 'config.json': cfg, 'catalog.json': catalogFor(['strings']), 'state.json': [mid] });
    const r = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json'], '--state', files['state.json']]);
    expect(r.code).toBe(0);
    // Records up to the checkpoint, then the resumed read: together every string key.
    const upTo = first.messages.indexOf(midMessage);
    const earlier = first.messages.slice(0, upTo).filter((m) => m.type === 'RECORD' && m.record.stream === 'strings').map((m) => m.record);
    const got = canonical([...earlier, ...records(r, 'strings')]).tables.get('strings')!;
    expect([...got.keys()].sort()).toEqual([...expected.get('strings')!.keys()].sort());
    expect(records(r, 'strings').length).toBeLessThan(expected.get('strings')!.size);
  });

  it('works with the least-privilege ACL rule plus the cluster commands it documents', async () => {
    const docs = readFileSync(new URL('../../docs/integrations/sources/redis.md', import.meta.url), 'utf8');
    expect(docs).toContain(`ACL SETUSER airbyte ${ACL_RULE.replace('PASSWORD', 'CHOOSE-A-PASSWORD')} ${CLUSTER_ACL}`);
    const rule = `${ACL_RULE.replace('PASSWORD', 'reader-secret-9')} ${CLUSTER_ACL}`;
    for (const n of cluster.nodes) await withClient(n, (c) => c.call('acl', 'setuser', 'reader', ...rule.split(' ')));
    try {
      const r = await readAll({ ...(await config({ read_from_replicas: true })), username: 'reader', password: 'reader-secret-9' });
      const { tables, dupes } = canonical(records(r));
      expect(dupes).toEqual([]);
      expect(diff(expected, tables)).toEqual([]);
      // Nothing was refused: no warning about a command the user lacks.
      expect(r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN')).toEqual([]);
      expect(r.stdout).not.toContain('reader-secret-9');
      // Without a command of the rule, check names it and the rule to grant.
      for (const [missing, where] of [['+cluster|slots', 'the seed node'], ['+readonly', 'replica']]) {
        const partial = `${ACL_RULE.replace('PASSWORD', 'reader-secret-9')} ${CLUSTER_ACL.replace(missing, '')}`;
        for (const n of cluster.nodes) await withClient(n, (c) => c.call('acl', 'setuser', 'reader', 'reset', ...partial.split(' ').filter(Boolean)));
        const status = await checkMessage({ ...(await config({ read_from_replicas: true })), username: 'reader', password: 'reader-secret-9' });
        expect(status.status).toBe('FAILED');
        expect(status.message).toContain(`Permission denied at ${where}`);
        expect(status.message).toContain(`Add '${CLUSTER_ACL}' to the user's ACL rule`);
      }
    } finally {
      for (const n of cluster.nodes) await withClient(n, (c) => c.call('acl', 'deluser', 'reader'));
    }
  });

  async function checkMessage(cfg: object): Promise<{ status: string; message: string }> {
    const files = jsonFiles({ 'config.json': cfg });
    const r = await runCli(['check', '--config', files['config.json']]);
    expect(r.code).toBe(0);
    return r.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus;
  }

  it('fails check naming the cause: unreachable seeds, a refusing node, a standalone seed, db other than 0', async () => {
    const closed = [await freePort(), await freePort()];
    const none = await checkMessage({ host: '127.0.0.1', port: 1, deployment: { mode: 'cluster', seed_nodes: closed.map((p) => `127.0.0.1:${p}`).join(',') } });
    expect(none.status).toBe('FAILED');
    expect(none.message).toContain(`None of the cluster seed nodes (127.0.0.1:${closed[0]}, 127.0.0.1:${closed[1]}) answered`);
    expect(none.message).toContain('Connection refused');

    // One primary requires a password the config does not have: that node, and its slots, are named.
    const { primaries: p } = await cluster.roles();
    const guarded = p.find((n) => n.port !== cluster.nodes[1].port)!;
    await withClient(guarded, (c) => c.call('config', 'set', 'requirepass', 'node-secret-1'));
    try {
      const refused = await checkMessage(await config());
      expect(refused.status).toBe('FAILED');
      expect(refused.message).toMatch(new RegExp(`Cluster node ${at(guarded)} \\(serving slots [\\d,-]+\\) cannot be read: .*requires a password`));
      expect(refused.message).not.toContain('node-secret-1');
    } finally {
      const c = new Redis({ host: guarded.host, port: guarded.port, password: 'node-secret-1' });
      await c.call('config', 'set', 'requirepass', '');
      c.disconnect();
    }

    const standalone = await startRedis();
    try {
      const notCluster = await checkMessage({ host: '127.0.0.1', port: standalone.port, deployment: { mode: 'cluster' } });
      expect(notCluster.status).toBe('FAILED');
      expect(notCluster.message).toContain(`The seed node 127.0.0.1:${standalone.port} is not a cluster node`);
    } finally {
      await standalone.stop();
    }
    const db = await checkMessage({ ...(await config()), db: 2 });
    expect(db.message).toContain("Redis Cluster has only database 0: set 'db' to 0");
  });
});
