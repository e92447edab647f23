// Keeping each key once while a cluster reshards: which slots moved during a table's read, and what was emitted.
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { stateKeyBytes } from '../encoding.js';
import type { KeySpace } from './client.js';
import { type NodePool, routedPipeline } from './cluster-route.js';
import { SweepPages } from './cluster-sweep.js';
import { migratingSlots, readTopology, type Topology } from './cluster-topology.js';
import { type Address, addr } from './nodes.js';

export interface Sweep {
  space: KeySpace;
  pages: SweepPages;
}

/** Keys remembered per table read whatever their slot (about 10 MB); past it, only keys of dirty slots. */
export const REMEMBERED_KEYS = 100_000;

/**
 * Each key space emits only keys of the slots its shard served when the read began (T0). Slots whose
 * keys may have been missed that way are "dirty": slots migrating, slots whose owner changed since T0,
 * slots a node answered MOVED/ASK for, and slots a node held keys of without owning them. After the
 * key spaces, every dirty slot is read again from its owner now (the sweep), minus keys already emitted.
 * Emitted keys are remembered (all of them up to REMEMBERED_KEYS, then those of dirty slots), so a key
 * is emitted once; beyond the bound a key of a slot that moved mid-read may be emitted twice, never lost.
 */
export class ClusterReads {
  private dirty = new Set<number>();
  private readonly seen = new Map<number, Set<string>>();
  private remembered = 0;
  private warnedNodes = false;

  constructor(
    private readonly pool: NodePool,
    readonly t0: Topology,
    private readonly seeds: Address[],
  ) {}

  /** The shard (by primary id) that emits keys of this slot. */
  ownerAtStart(slot: number): string {
    return this.t0.owner[slot];
  }

  /** Something suggests this slot's keys are moving: its keys get the sweep. */
  suspect(slot: number): void {
    this.dirty.add(slot);
  }

  /** A key space emitted this key (state-key form): remembered, so neither SCAN nor the sweep emits it again. */
  emitted(key: string): void {
    const slot = calculateSlot(stateKeyBytes(key));
    if (this.remembered >= REMEMBERED_KEYS && !this.dirty.has(slot)) return;
    let keys = this.seen.get(slot);
    if (!keys) this.seen.set(slot, (keys = new Set()));
    if (keys.has(key)) return;
    keys.add(key);
    this.remembered++;
  }

  wasEmitted(slot: number, key: string): boolean {
    return this.seen.get(slot)?.has(key) === true;
  }

  /** Before a table: slots already moving or moved since T0 are dirty from the start. */
  async beginTable(warn: (m: string) => void): Promise<void> {
    this.dirty = new Set();
    this.seen.clear();
    this.remembered = 0;
    await this.refresh(warn);
  }

  /** After the key spaces: the sweep over dirty slots, or null when no slot moved. */
  async endTable(warn: (m: string) => void, redisType: string | undefined, pattern: string, batch: number): Promise<Sweep | null> {
    const now = await this.refresh(warn);
    if (this.dirty.size === 0 || !now) return null;
    const slots = [...this.dirty].sort((a, b) => a - b);
    warn(`The cluster resharded during the read (${slots.length} slots moved or migrating); re-reading those slots from their owners now.`);
    const pages = new SweepPages(this.pool, now, slots, this, redisType, pattern, batch);
    const cursors = new Map<string, string>();
    const space: KeySpace = {
      id: 'cluster-resharded-slots',
      client: await this.pool.get(now.shards[0].primary),
      pipeline: async (commands) => {
        const { client, at } = pages.current();
        return routedPipeline(this.pool, await client, at, commands, () => undefined, cursors);
      },
    };
    return { space, pages };
  }

  /** Topology now; adds slots whose owner changed since T0 and slots migrating on any primary. */
  private async refresh(warn: (m: string) => void): Promise<Topology | undefined> {
    const now = await this.topologyNow();
    for (let s = 0; s < now.owner.length; s++) if (now.owner[s] !== this.t0.owner[s]) this.dirty.add(s);
    for (const shard of now.shards) {
      try {
        const client = await this.pool.get(shard.primary);
        for (const slot of (await migratingSlots(client)).keys()) this.dirty.add(slot);
      } catch (e) {
        if (!this.warnedNodes) {
          warn(`Could not read CLUSTER NODES on ${addr(shard.primary)} (${(e as Error).message}); slot migrations in progress are detected only through MOVED/ASK replies.`);
          this.warnedNodes = true;
        }
      }
    }
    return now;
  }

  private async topologyNow(): Promise<Topology> {
    const candidates = [...this.t0.shards.map((s) => s.primary), ...this.seeds];
    let last: unknown;
    for (const a of candidates) {
      try {
        const client: Redis = await this.pool.get(a);
        return await readTopology(client, a);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }
}
