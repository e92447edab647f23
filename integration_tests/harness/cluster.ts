// A real Redis Cluster for tests: redis-server processes with cluster mode on, joined by redis-cli --cluster create.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { type RedisInstance, startRedis } from './redis-server.js';

export interface TestCluster {
  nodes: RedisInstance[];
  /** Primaries and replicas as the cluster sees them now. */
  roles(): Promise<{ primaries: RedisInstance[]; replicas: RedisInstance[] }>;
  stop(): Promise<void>;
}

export const CLUSTER_ARGS = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'];

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function withClient<T>(node: { host: string; port: number }, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

/** `primaries` shards, each with `replicasEach` replicas; every slot covered, every node agreeing. */
export async function startCluster(primaries = 3, replicasEach = 0): Promise<TestCluster> {
  const nodes: RedisInstance[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < primaries * (1 + replicasEach); i++) nodes.push(await startRedis({ args: CLUSTER_ARGS }));
    const r = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', String(replicasEach), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}\n${r.stderr}`);
    for (const n of nodes) {
      await until(`cluster_state:ok on ${n.port}`, () =>
        withClient(n, async (c) => /cluster_state:ok/.test(String(await c.call('cluster', 'info')))),
      );
    }
    const roles = async () => {
      const out = { primaries: [] as RedisInstance[], replicas: [] as RedisInstance[] };
      for (const n of nodes) {
        const role = await withClient(n, async (c) => String(((await c.call('role')) as unknown[])[0]));
        (role === 'master' ? out.primaries : out.replicas).push(n);
      }
      return out;
    };
    await until('every replica in sync', async () => {
      for (const n of (await roles()).replicas) {
        const info = await withClient(n, async (c) => String(await c.info('replication')));
        if (!/master_link_status:up/.test(info)) return false;
      }
      // Every node must see every replica too (CLUSTER SLOTS lists replicas from gossip).
      const slots = await withClient(nodes[0], async (c) => (await c.call('cluster', 'slots')) as unknown[][]);
      return slots.reduce((sum, s) => sum + s.length - 3, 0) >= primaries * replicasEach;
    });
    return { nodes, roles, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
