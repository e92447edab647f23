// Redis Cluster over TLS: the seed and every shard verified against the CA and each node's own name.
import { spawnSync } from 'node:child_process';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, tlsServerArgs, type Certificates } from '../harness/certificates.js';
import { catalogFor, jsonFiles, records, runCli } from '../harness/cli.js';
import { CLUSTER_ARGS, withClient } from '../harness/cluster.js';
import { canonical, diff, dump, seed, type Tables } from '../harness/cluster-data.js';
import { protocolProblems } from '../harness/protocol.js';
import { freePort, hasRedisServer, type RedisInstance, startRedis } from '../harness/redis-server.js';

describe.skipIf(!hasRedisServer())('Redis Cluster over TLS', () => {
  let certs: Certificates;
  const nodes: RedisInstance[] = [];
  const tlsPorts: number[] = [];
  let expected: Tables;

  beforeAll(async () => {
    certs = makeCertificates();
    for (let i = 0; i < 3; i++) {
      const tlsPort = await freePort();
      tlsPorts.push(tlsPort);
      // The plain port is the test's own door for building and seeding; the cluster bus speaks TLS.
      nodes.push(await startRedis({ args: [...CLUSTER_ARGS, ...tlsServerArgs(tlsPort, certs, certs.server, false), '--tls-cluster', 'yes'] }));
    }
    const r = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}${r.stderr}`);
    for (const n of nodes) {
      for (let t = 0; !(await withClient(n, async (c) => /cluster_state:ok/.test(String(await c.call('cluster', 'info'))))); t++) {
        if (t > 150) throw new Error('cluster did not become ok');
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    const w = new Cluster([{ host: '127.0.0.1', port: nodes[0].port }]);
    await seed(w, 10);
    await w.quit();
    expected = await Promise.all(nodes.map((n) => withClient(n, async (c) => dump([c])))).then((parts) => {
      const all: Tables = new Map();
      for (const t of parts) for (const [table, rows] of t) all.set(table, new Map([...(all.get(table) ?? []), ...rows]));
      return all;
    });
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  const config = (tls: object) => ({ host: '127.0.0.1', port: tlsPorts[1], ssl: true, tls, batch_size: 4, deployment: { mode: 'cluster' } });

  it('reads all eight tables from every shard over verified TLS', async () => {
    const files = jsonFiles({ 'config.json': config({ ca_certificate: certs.ca.cert }), 'catalog.json': catalogFor() });
    const r = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
    expect(r.stderr).toBe('');
    expect(protocolProblems(r.lines)).toEqual([]);
    expect(r.code).toBe(0);
    const { tables, dupes } = canonical(records(r));
    expect(dupes).toEqual([]);
    expect(diff(expected, tables)).toEqual([]);
    expect(new Set(records(r, 'server_info').map((x) => x.data.node))).toEqual(new Set(tlsPorts.map((p) => `127.0.0.1:${p}`)));
  });

  it('fails check naming the untrusted certificate', async () => {
    const files = jsonFiles({ 'config.json': config({ ca_certificate: certs.otherCa.cert }) });
    const r = await runCli(['check', '--config', files['config.json']]);
    const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/None of the cluster seed nodes .* answered: TLS/);
  });
});
