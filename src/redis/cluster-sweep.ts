// The sweep's key source: keys of resharded slots, found on every primary, read through their owner now.
import type { Redis } from 'ioredis';
import { stateKey } from '../encoding.js';
import type { ClusterReads } from './cluster-reads.js';
import { type NodePool, routedPipeline } from './cluster-route.js';
import { clusterPrimaries, type ClusterNode, type Topology } from './cluster-topology.js';
import { globMatch } from './glob.js';
import type { Address } from './nodes.js';
import type { ScanPage } from './scan.js';

/**
 * Pages of at most `batch` keys, one slot at a time: CLUSTER GETKEYSINSLOT on every primary (the
 * owner, and an importing node that already holds some), filtered by the pattern and type the way
 * SCAN MATCH/TYPE would, without keys already emitted.
 */
export class SweepPages {
  private queue: Buffer[] = [];
  private index = 0;
  private pageNo = 0;
  private primaries?: ClusterNode[];
  private at: Address;

  constructor(
    private readonly pool: NodePool,
    private readonly now: Topology,
    private readonly slots: number[],
    private readonly reads: ClusterReads,
    private readonly redisType: string | undefined,
    private readonly pattern: string,
    private readonly batch: number,
  ) {
    this.at = now.shards[0].primary;
  }

  /** The node the current page's keys are read from (the slot's owner now). */
  current(): { client: Promise<Redis>; at: Address } {
    return { client: this.pool.get(this.at), at: this.at };
  }

  async page(_cursor: string): Promise<ScanPage> {
    while (this.queue.length === 0 && this.index < this.slots.length) await this.load(this.slots[this.index++]);
    const keys = this.queue.splice(0, this.batch);
    const done = this.queue.length === 0 && this.index >= this.slots.length;
    return { next: done ? '0' : String(++this.pageNo), keys };
  }

  private async load(slot: number): Promise<void> {
    const owner = this.now.shards.find((s) => s.primary.id === this.now.owner[slot]);
    if (!owner) return; // no node serves the slot: its keys cannot be read by anyone
    this.at = owner.primary;
    // CLUSTER NODES also names an importing node that owns no slot yet; without it, the slot owners.
    this.primaries ??= await clusterPrimaries(await this.pool.get(owner.primary), owner.primary).catch(() => this.now.shards.map((s) => s.primary));
    const found = new Map<string, Buffer>();
    for (const node of this.primaries) {
      const client = await this.pool.get(node);
      const count = Number(await client.call('cluster', 'countkeysinslot', slot));
      if (count === 0) continue;
      const keys = (await client.callBuffer('cluster', 'getkeysinslot', slot, count)) as Buffer[];
      for (const key of keys) {
        const name = stateKey(key);
        if (!found.has(name) && !this.reads.wasEmitted(slot, name) && globMatch(this.pattern, key)) found.set(name, key);
      }
    }
    let keys = [...found.values()];
    if (this.redisType && keys.length > 0) {
      const client = await this.pool.get(this.at);
      const types = await routedPipeline(this.pool, client, this.at, keys.map((k) => ['type', k]), () => undefined);
      keys = keys.filter((_, i) => types[i][1] !== undefined && String(types[i][1]) === this.redisType);
    }
    this.queue = keys;
  }
}
