// Redis Cluster: one key space per shard (its primary, or one replica), read in parallel.
import calculateSlot from 'cluster-key-slot';
import type { SourceConfig } from '../config/config.js';
import { stateKey } from '../encoding.js';
import { ConfigError, ConnectorError, TransientError } from '../protocol/errors.js';
import { type Connection, type KeySpace, resolveEndpoint } from './client.js';
import { ClusterReads } from './cluster-reads.js';
import { NodePool, routedPipeline } from './cluster-route.js';
import { type ClusterNode, rangesText, readTopology, type Shard, type Topology, uncovered } from './cluster-topology.js';
import { connectionProblem, target } from './errors.js';
import { aclProblem, type Address, addr, CLUSTER_ACL, configFor, parseAddresses } from './nodes.js';

/** The topology from the first seed that answers; what each seed said when none does. */
async function discover(pool: NodePool, seeds: Address[]): Promise<Topology> {
  const problems: Error[] = [];
  for (const seed of seeds) {
    try {
      return await readTopology(await pool.get(seed), seed);
    } catch (e) {
      const msg = (e as Error).message;
      const denied = aclProblem(e, `the seed node ${addr(seed)}`, CLUSTER_ACL);
      if (denied) throw denied;
      if (/cluster support disabled/i.test(msg)) {
        throw new ConfigError(`The seed node ${addr(seed)} is not a cluster node (cluster support disabled): set 'deployment' to standalone, or name cluster nodes in 'deployment.seed_nodes'.`, msg);
      }
      problems.push(e instanceof ConnectorError ? e : connectionProblem(e, configFor(pool.config, seed)));
    }
  }
  const detail = problems.length === 1 ? problems[0].message : problems.map((p, i) => `${i + 1}) ${p.message}`).join(' ');
  const message = `None of the cluster seed nodes (${seeds.map(addr).join(', ')}) answered: ${detail}`;
  // Wrong password or TLS everywhere is the config's fault; refused or timed out may pass.
  throw problems.every((p) => p instanceof ConfigError) ? new ConfigError(message) : new TransientError(message);
}

/** One replica per shard, the same one every attempt (lowest node id that answers), so the cursor id is stable. */
async function readNode(pool: NodePool, shard: Shard, replicas: boolean): Promise<{ node: ClusterNode; replica: boolean }> {
  if (replicas) {
    for (const r of [...shard.replicas].sort((a, b) => a.id.localeCompare(b.id))) {
      try {
        await pool.get(r, true);
        return { node: r, replica: true };
      } catch (e) {
        // A user without READONLY would read every shard from its primary: say so instead.
        const denied = aclProblem(e, `replica ${addr(r)}`, CLUSTER_ACL);
        if (denied) throw denied;
        // otherwise the next replica, or the primary
      }
    }
  }
  return { node: shard.primary, replica: false };
}

async function openSpace(pool: NodePool, reads: ClusterReads, shard: Shard, replicas: boolean): Promise<KeySpace & { replica: boolean }> {
  const { node, replica } = await readNode(pool, shard, replicas);
  const slots = rangesText(shard.ranges);
  const cursors = new Map<string, string>();
  let client;
  try {
    client = await pool.get(node, replica);
  } catch (e) {
    const message = `Cluster node ${addr(node)} (serving slots ${slots}) cannot be read: ${(e as Error).message}`;
    throw e instanceof ConfigError ? new ConfigError(message) : new TransientError(message);
  }
  return {
    // The node read and the slots it serves: a cursor resumes only on the same node over the same slots.
    id: `${node.id}@${slots}`,
    client,
    node: addr(node),
    replica,
    keep: (key) => {
      const slot = calculateSlot(key);
      // SCAN may return a key twice (while the node rehashes); a key emitted already is not read again.
      if (reads.ownerAtStart(slot) === shard.primary.id) return !reads.wasEmitted(slot, stateKey(key));
      reads.suspect(slot); // a key of a slot this shard does not serve: mid-migration, or left over
      return false;
    },
    pipeline: (commands) => routedPipeline(pool, client, node, commands, (slot) => reads.suspect(slot), cursors),
  };
}

export async function connectCluster(config: SourceConfig): Promise<Connection> {
  const d = config.deployment?.mode === 'cluster' ? config.deployment : { mode: 'cluster' as const };
  const db = resolveEndpoint(config).db;
  if (db !== 0) throw new ConfigError(`Redis Cluster has only database 0: set 'db' to 0 (got ${db}).`);
  // No seeds: the node named by host/port (or the connection URL).
  const seeds = parseAddresses(d.seed_nodes?.trim() || target(config), 'deployment.seed_nodes', 6379);
  const pool = new NodePool(config);
  try {
    const topology = await discover(pool, seeds);
    const missing = uncovered(topology);
    if (missing.length > 0) {
      throw new TransientError(`The cluster serves no node for slots ${rangesText(missing)} (cluster_state fail?): keys there cannot be read. Fix the cluster, then retry.`);
    }
    const reads = new ClusterReads(pool, topology, seeds);
    const spaces = await Promise.all(topology.shards.map((s) => openSpace(pool, reads, s, d.read_from_replicas === true)));
    const onPrimary = spaces.filter((s) => !s.replica).length;
    const what =
      d.read_from_replicas && onPrimary > 0
        ? `${spaces.length - onPrimary} replicas and ${onPrimary} primaries (shards without a reachable replica)`
        : d.read_from_replicas ? `${spaces.length} replicas` : `${spaces.length} primaries`;
    return {
      spaces,
      primary: spaces[0].client,
      description: `Redis Cluster of ${topology.shards.length} shards, reading ${what} (${spaces.map((s) => s.node).join(', ')})`,
      cluster: reads,
      close: () => pool.close(),
    };
  } catch (e) {
    await pool.close();
    throw e;
  }
}
