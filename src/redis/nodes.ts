import { Redis, type RedisOptions } from 'ioredis';
import type { SourceConfig } from '../config/config.js';
import { ConfigError } from '../protocol/errors.js';
import { baseOptions, open, resolveEndpoint, tlsOptions } from './client.js';
import { connectionProblem } from './errors.js';

export interface Address {
  host: string;
  port: number;
}

export const addr = (a: Address): string => `${a.host}:${a.port}`;

/** What Cluster mode needs beyond the standalone ACL rule (the docs give both, and the tests use exactly these). */
export const CLUSTER_ACL = '+cluster|slots +cluster|nodes +cluster|countkeysinslot +cluster|getkeysinslot +readonly +asking';
/** All a Sentinel user needs on the sentinels. */
export const SENTINEL_ACL = '-@all +ping +sentinel|get-master-addr-by-name +sentinel|replicas';

/** A NOPERM reply for a Cluster or Sentinel command, as a config error naming the rule to grant. */
export function aclProblem(err: unknown, where: string, rule: string): ConfigError | undefined {
  const msg = (err as Error)?.message ?? '';
  if (!/^NOPERM/.test(msg)) return undefined;
  return new ConfigError(`Permission denied at ${where}: ${msg}. Add '${rule}' to the user's ACL rule (see the docs' Cluster and Sentinel section).`, msg);
}

/** "host:port,host:port" (IPv6 as [::1]:port); a missing port is the default. */
export function parseAddresses(list: string, field: string, defaultPort: number): Address[] {
  const out: Address[] = [];
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? /^([^:]+)(?::(\d+))?$/.exec(raw);
    const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
    if (!m || !(port > 0 && port < 65536)) {
      throw new ConfigError(`'${field}' must be a comma-separated list of host:port (got '${raw.slice(0, 60)}').`);
    }
    out.push({ host: m[1], port });
  }
  return out;
}

/** The user's connection options (auth, TLS, timeouts) aimed at another node; TLS checks that node's name. */
export function nodeOptions(config: SourceConfig, a: Address, overrides: RedisOptions = {}): RedisOptions {
  const endpoint = resolveEndpoint(config);
  const tls = endpoint.tls ? tlsOptions(config, a.host) : undefined;
  return { ...baseOptions(config, endpoint), host: a.host, port: a.port, tls, ...overrides };
}

/** The config as if it named this node, so connection errors name the node that failed. */
export function configFor(config: SourceConfig, a: Address, auth?: { username?: string; password?: string }): SourceConfig {
  return { ...config, host: a.host, port: a.port, connection_url: undefined, ...(auth ?? {}) };
}

/** Connects, selects db and PINGs; the error says, in the user's terms, what is wrong with this node. */
export async function openNode(config: SourceConfig, a: Address, options: RedisOptions = nodeOptions(config, a), db = resolveEndpoint(config).db): Promise<Redis> {
  const client = new Redis(options);
  try {
    await open(client, db);
    return client;
  } catch (e) {
    throw connectionProblem(e, configFor(config, a, { username: options.username, password: options.password }));
  }
}
