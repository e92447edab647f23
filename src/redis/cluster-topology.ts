// The cluster's shape: which primary (and replicas) serve which slots, and which slots are migrating.
import type { Redis } from 'ioredis';
import type { Address } from './nodes.js';

export const SLOTS = 16384;

export interface ClusterNode extends Address {
  id: string;
}

export interface Shard {
  primary: ClusterNode;
  replicas: ClusterNode[];
  ranges: [number, number][];
}

export interface Topology {
  shards: Shard[];
  /** Primary node id serving each slot ('' when no node does). */
  owner: string[];
}

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString() : String(v ?? ''));

/** CLUSTER SLOTS entry node: [ip, port, id, ...]; an unknown endpoint ('' or '?') is the node we asked. */
function node(entry: unknown[], asked: Address): ClusterNode {
  const ip = text(entry[0]);
  return { host: ip === '' || ip === '?' ? asked.host : ip, port: Number(entry[1]), id: text(entry[2]) };
}

/** CLUSTER SLOTS (Redis 3+): one entry per slot range, with its primary then replicas. */
export async function readTopology(client: Redis, asked: Address): Promise<Topology> {
  const reply = (await client.call('cluster', 'slots')) as unknown[][];
  const byPrimary = new Map<string, Shard>();
  const owner: string[] = new Array(SLOTS).fill('');
  for (const range of reply) {
    const [start, end] = [Number(range[0]), Number(range[1])];
    const primary = node(range[2] as unknown[], asked);
    let shard = byPrimary.get(primary.id);
    if (!shard) {
      shard = { primary, replicas: (range.slice(3) as unknown[][]).map((r) => node(r, asked)), ranges: [] };
      byPrimary.set(primary.id, shard);
    }
    shard.ranges.push([start, end]);
    for (let s = start; s <= end; s++) owner[s] = primary.id;
  }
  const shards = [...byPrimary.values()];
  for (const s of shards) s.ranges.sort((a, b) => a[0] - b[0]);
  // Stable order: by first slot, so key space order (and the state) does not depend on reply order.
  shards.sort((a, b) => a.ranges[0][0] - b.ranges[0][0]);
  return { shards, owner };
}

export function rangesText(ranges: [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** Slots no node serves, as ranges (a cluster in state fail). */
export function uncovered(t: Topology): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < SLOTS; s++) {
    if (t.owner[s] !== '') continue;
    const last = out[out.length - 1];
    if (last && last[1] === s - 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/**
 * Slots a node is migrating out or importing, from its own line of CLUSTER NODES:
 * "[slot->-target]" and "[slot-<-source]" (only the node itself shows these).
 */
export async function migratingSlots(client: Redis): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const nodes = text(await client.call('cluster', 'nodes'));
  for (const m of nodes.matchAll(/\[(\d+)-([<>])-([0-9a-f]+)\]/g)) out.set(Number(m[1]), m[3]);
  return out;
}

/** Every reachable primary from CLUSTER NODES, slot owner or not (an importing node may own none yet). */
export async function clusterPrimaries(client: Redis, asked: Address): Promise<ClusterNode[]> {
  const out: ClusterNode[] = [];
  for (const line of text(await client.call('cluster', 'nodes')).split('\n')) {
    const [id, address, flags] = line.split(' ');
    if (!flags || !/master/.test(flags) || /fail|handshake|noaddr/.test(flags)) continue;
    const m = /^(.*):(\d+)@/.exec(address);
    if (m) out.push({ id, host: m[1] || asked.host, port: Number(m[2]) });
  }
  return out;
}
