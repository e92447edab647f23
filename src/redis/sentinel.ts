// Sentinel: ask the sentinels where the current primary of master_name is (or a healthy replica), then read it.
import { Redis } from 'ioredis';
import type { SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError, TransientError } from '../protocol/errors.js';
import type { Connection } from './client.js';
import { connectionProblem } from './errors.js';
import { aclProblem, type Address, addr, configFor, nodeOptions, openNode, parseAddresses, SENTINEL_ACL } from './nodes.js';

type SentinelDeployment = Extract<NonNullable<SourceConfig['deployment']>, { mode: 'sentinel' }>;

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString() : String(v ?? ''));

/** SENTINEL REPLICAS entries are flat name/value lists; healthy = not down, link to the primary up. */
function healthyReplicas(reply: unknown[][]): Address[] {
  const out: Address[] = [];
  for (const entry of reply) {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < entry.length; i += 2) f.set(text(entry[i]), text(entry[i + 1]));
    if (/s_down|o_down|disconnected/.test(f.get('flags') ?? '') || f.get('master-link-status') !== 'ok') continue;
    out.push({ host: f.get('ip')!, port: Number(f.get('port')) });
  }
  // The same replica every attempt while it stays healthy, so the key space id (and its cursor) holds.
  return out.sort((a, b) => addr(a).localeCompare(addr(b)));
}

/**
 * Connects to a sentinel and PINGs (sentinels have no DBSIZE or databases, so client.open() does not fit);
 * as there, the 'error' event's cause (ECONNREFUSED, WRONGPASS) wins over "Connection is closed".
 */
async function openSentinel(client: Redis): Promise<void> {
  let cause: Error | undefined;
  client.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await client.connect();
    await client.ping();
    if (cause) throw cause;
  } catch (e) {
    client.disconnect();
    throw cause ?? e;
  }
}

/** What one sentinel says: the primary and healthy replicas, or null when it knows no such master. */
async function ask(config: SourceConfig, d: SentinelDeployment, s: Address): Promise<{ primary: Address; replicas: Address[] } | null> {
  const auth = { username: d.sentinel_username || undefined, password: d.sentinel_password || undefined };
  const client = new Redis(nodeOptions(config, s, auth));
  try {
    await openSentinel(client);
    const master = (await client.call('sentinel', 'get-master-addr-by-name', d.master_name)) as unknown[] | null;
    if (!master) return null;
    const primary = { host: text(master[0]), port: Number(master[1]) };
    if (!d.read_from_replica) return { primary, replicas: [] };
    // SENTINEL SLAVES on servers before 5.0, which lack REPLICAS.
    const list = await client.call('sentinel', 'replicas', d.master_name).catch((e: Error) => {
      if (/NOPERM/.test(e.message)) throw e;
      return client.call('sentinel', 'slaves', d.master_name);
    });
    return { primary, replicas: healthyReplicas(list as unknown[][]) };
  } catch (e) {
    throw aclProblem(e, `sentinel ${addr(s)}`, SENTINEL_ACL) ?? connectionProblem(e, configFor(config, s, auth));
  } finally {
    client.disconnect();
  }
}

/** ROLE where permitted: the sentinels' answer may lag a failover in progress. */
async function roleOf(client: Redis): Promise<string | undefined> {
  try {
    return text(((await client.call('role')) as unknown[])[0]);
  } catch {
    return undefined;
  }
}

export async function connectSentinel(config: SourceConfig): Promise<Connection> {
  const d = config.deployment as SentinelDeployment;
  const sentinels = parseAddresses(d.sentinels, 'deployment.sentinels', 26379);
  if (sentinels.length === 0) throw new ConfigError("'deployment.sentinels' names no sentinel: give host:port of at least one.");
  const problems: ConnectorError[] = [];
  let answer: { primary: Address; replicas: Address[] } | null | undefined;
  let unknownTo = 0;
  for (const s of sentinels) {
    try {
      answer = await ask(config, d, s);
      if (answer) break;
      unknownTo++;
    } catch (e) {
      problems.push(new ConnectorError(`sentinel ${addr(s)}: ${(e as Error).message}`, (e as ConnectorError).failureType));
    }
  }
  if (!answer) {
    if (unknownTo > 0) {
      throw new ConfigError(`The sentinels (${sentinels.map(addr).join(', ')}) know no master named '${d.master_name}': check 'deployment.master_name' (SENTINEL MASTERS lists the names they monitor).`);
    }
    const message = `None of the sentinels could be asked for master '${d.master_name}': ${problems.map((p) => p.message).join('; ')}`;
    throw problems.every((p) => p.failureType === 'config_error') ? new ConfigError(message) : new TransientError(message);
  }
  const replica = d.read_from_replica ? answer.replicas[0] : undefined;
  if (d.read_from_replica && !replica) {
    throw new TransientError(`The sentinels know no healthy replica of '${d.master_name}' (read_from_replica is on): wait for one to sync, or read the primary.`);
  }
  const target = replica ?? answer.primary;
  const what = replica ? `replica ${addr(target)} of '${d.master_name}'` : `primary ${addr(target)} of '${d.master_name}'`;
  let client: Redis;
  try {
    client = await openNode(config, target);
  } catch (e) {
    throw new TransientError(`The sentinels name ${what}, but it cannot be read: ${(e as Error).message}`);
  }
  const role = await roleOf(client);
  if (role && role !== (replica ? 'slave' : 'master')) {
    client.disconnect();
    throw new TransientError(`The sentinels name ${what}, but it reports role '${role}' (a failover in progress?); retry shortly.`);
  }
  return {
    // The server read is part of the id: after a failover, a SCAN cursor of the old primary means nothing.
    spaces: [{ id: `sentinel:${d.master_name}@${addr(target)}`, client, node: addr(target) }],
    primary: client,
    description: `${what}, via sentinels ${sentinels.map(addr).join(', ')}`,
    close: async () => {
      client.disconnect();
    },
  };
}
