// Cluster nodes by address, and pipelines that follow MOVED/ASK redirections to wherever a key is now.
import type { Redis } from 'ioredis';
import type { SourceConfig } from '../config/config.js';
import type { Command, Replies } from '../tables/types.js';
import { type Address, addr, nodeOptions, openNode } from './nodes.js';
import { pipelined } from './pipeline.js';

/**
 * One client per node address, opened on first use, opened again once ended (the retry step reconnects
 * only key space clients). Replicas get READONLY so they serve reads, again after every reconnect.
 */
export class NodePool {
  private readonly clients = new Map<string, Promise<Redis>>();
  private readonly ended = new Set<string>();
  /** Every client ever opened, so close() also ends one that was replaced and later reconnected. */
  private readonly opened: Promise<Redis>[] = [];

  private closed = false;

  constructor(readonly config: SourceConfig) {}

  get(a: Address, replica = false): Promise<Redis> {
    // A shard still connecting when another failed must not open a client nobody will close.
    if (this.closed) return Promise.reject(new Error('Connection is closed.'));
    const name = addr(a);
    let client = this.clients.get(name);
    if (!client || this.ended.has(name)) {
      this.ended.delete(name);
      client = openNode(this.config, a, nodeOptions(this.config, a), 0).then(async (c) => {
        if (replica) {
          await c.call('readonly').catch((e: Error) => {
            c.disconnect(); // refused: this client is not handed out, so nothing else would close it
            throw e;
          });
          c.on('ready', () => void c.call('readonly').catch(() => undefined));
        }
        c.on('end', () => this.ended.add(name));
        return c;
      });
      client.catch(() => this.clients.delete(name));
      this.clients.set(name, client);
      this.opened.push(client);
    }
    return client;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.opened.splice(0);
    this.clients.clear();
    for (const c of await Promise.allSettled(all)) if (c.status === 'fulfilled') c.value.disconnect();
  }
}

export interface Redirect {
  ask: boolean;
  slot: number;
  to: Address;
}

/** "MOVED 3999 10.0.0.2:6381" / "ASK 3999 10.0.0.2:6381" (an empty host is the node that answered). */
export function redirectOf(err: Error | null, from: Address): Redirect | undefined {
  const m = err && /^(MOVED|ASK) (\d+) (.*):(\d+)$/.exec(err.message);
  if (!m) return undefined;
  return { ask: m[1] === 'ASK', slot: Number(m[2]), to: { host: m[3] || from.host, port: Number(m[4]) } };
}

const MAX_HOPS = 5;

/**
 * A key that moved mid-read is read on its new node; an HSCAN/SSCAN/ZSCAN cursor of the old node means
 * nothing there (another hash table), so that key is read again from its start: fields already
 * emitted may repeat, none is skipped. `cursors` remembers where a key's cursor now lives, so later
 * windows keep theirs. Index (LRANGE, ZRANGE) and entry ID (XRANGE) windows carry over as they are.
 */
function forNode(command: Command, to: Address, cursors: Map<string, string>): Command {
  const [name, key, cursor, ...rest] = command;
  if (!/^[hsz]scan$/i.test(name) || !Buffer.isBuffer(key)) return command;
  const id = key.toString('latin1');
  const restart = String(cursor) !== '0' && cursors.get(id) !== addr(to);
  cursors.set(id, addr(to));
  return restart ? [name, key, '0', ...rest] : command;
}

/**
 * Sends the commands to one node; each command answered MOVED or ASK is sent again where the cluster
 * says its key is now (after ASKING for ASK), so a key migrating mid-read is still read.
 */
export async function routedPipeline(
  pool: NodePool,
  client: Redis,
  from: Address,
  commands: Command[],
  onRedirect: (slot: number) => void,
  cursors: Map<string, string> = new Map(),
): Promise<Replies> {
  commands = [...commands];
  const replies = await pipelined(client, commands);
  let pending = replies.map((r, i) => ({ i, where: from, r: redirectOf(r[0], from) }));
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    pending = pending.filter((p) => p.r !== undefined);
    if (pending.length === 0) break;
    const groups = new Map<string, typeof pending>();
    for (const p of pending) {
      onRedirect(p.r!.slot);
      const g = `${p.r!.ask ? 'ASK' : 'MOVED'} ${addr(p.r!.to)}`;
      groups.set(g, [...(groups.get(g) ?? []), p]);
    }
    const next: typeof pending = [];
    for (const group of groups.values()) {
      const { ask, to } = group[0].r!;
      const target = await pool.get(to);
      // ASKING lets the importing node serve only the next command, so it precedes every command.
      for (const p of group) commands[p.i] = forNode(commands[p.i], to, cursors);
      const cmds = group.flatMap((p) => (ask ? [['asking'] as Command, commands[p.i]] : [commands[p.i]]));
      const got = await pipelined(target, cmds);
      group.forEach((p, j) => {
        const r = got[ask ? 2 * j + 1 : j];
        replies[p.i] = r;
        next.push({ i: p.i, where: to, r: redirectOf(r[0], to) });
      });
    }
    pending = next;
  }
  // Still redirected after MAX_HOPS: the slot keeps moving. Read as no key it would be lost; TRYAGAIN is retried.
  const moving = replies.find(([err]) => redirectOf(err, from));
  if (moving) throw new Error(`TRYAGAIN the key's slot is still moving after ${MAX_HOPS} redirections (${moving[0]!.message})`);
  return replies;
}
