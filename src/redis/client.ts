import { Redis, type RedisOptions } from 'ioredis';
import type { SourceConfig } from '../config/config.js';
import { ConfigError } from '../protocol/errors.js';
import type { Command, Replies } from '../tables/types.js';
import type { ClusterReads } from './cluster-reads.js';
import { type Endpoint, resolveEndpoint } from './endpoint.js';
import { tunnelForwardProblem } from './errors.js';
import { openTunnel, usesTunnel } from './tunnel.js';

export { type Endpoint, resolveEndpoint, tlsOptions } from './endpoint.js';

/** One key space: a Redis node whose keys one SCAN cursor walks (a standalone server, or one cluster shard). */
export interface KeySpace {
  /** Stable name used in state and checkpoints. */
  id: string;
  client: Redis;
  /** The server read, host:port (a cluster's server_info rows name it). */
  node?: string;
  /** Cluster: whether this space emits the key (its shard serves the key's slot). */
  keep?(key: Buffer): boolean;
  /** Cluster: a pipeline that follows MOVED/ASK to wherever a key is now. */
  pipeline?(commands: Command[]): Promise<Replies>;
}

/** An open connection to the user's Redis: the key spaces to scan, and how to close them. */
export interface Connection {
  spaces: KeySpace[];
  /** The client for server-wide commands (INFO, PING). */
  primary: Redis;
  description: string;
  /** Cluster: slots that moved during a read, re-read after the key spaces. */
  cluster?: ClusterReads;
  close(): Promise<void>;
}

/**
 * Options shared by every client, for the endpoint resolveEndpoint() gives (URL or fields). The ready
 * check is off because it sends INFO, and client info off because CLIENT SETINFO is one more command a
 * least-privilege user need not have; reconnection is ours (the reader retries from its cursor). The
 * database is selected by open(), not here.
 */
export function baseOptions(config: SourceConfig, endpoint: Endpoint = resolveEndpoint(config)): RedisOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    password: endpoint.password,
    tls: endpoint.tls,
    lazyConnect: true,
    enableReadyCheck: false,
    disableClientInfo: true,
    enableOfflineQueue: true,
    connectTimeout: config.connect_timeout_seconds * 1000,
    commandTimeout: config.command_timeout_seconds * 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // ioredis waits this long for a socket that never closes (a refused one) before exiting: 2 s by default.
    disconnectTimeout: 200,
  };
}

/** Standalone, Cluster (every shard a key space) or Sentinel (the current primary or a replica). */
export async function connect(config: SourceConfig): Promise<Connection> {
  const mode = config.deployment?.mode ?? 'standalone';
  if (mode !== 'standalone' && usesTunnel(config)) {
    throw new ConfigError(`An SSH tunnel reaches one host and port: it is supported for deployment mode 'standalone', not '${mode}'.`);
  }
  if (mode === 'cluster') return (await import('./cluster.js')).connectCluster(config);
  if (mode === 'sentinel') return (await import('./sentinel.js')).connectSentinel(config);
  return connectStandalone(config);
}

/**
 * Connects, authenticates and selects the database, or throws the error that says why not. ioredis reports
 * the real cause (ECONNREFUSED, TLS, WRONGPASS) as an 'error' event and rejects the pending command with
 * "Connection is closed" or NOAUTH; the cause wins. SELECT is sent here, not through the db option, because
 * ioredis only emits a failed SELECT as an event and would go on reading db 0.
 */
export async function open(client: Redis, db: number): Promise<void> {
  let cause: Error | undefined;
  client.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await client.connect();
    // A first command proves AUTH went through. DBSIZE rather than PING: it is in @read, so a read-only user
    // leaves no denied entry in the server's ACL LOG; NOPERM would prove authentication just as well.
    await client.dbsize().catch((e: Error) => {
      if (!/^NOPERM/.test(e.message)) throw e;
    });
    if (db) await client.select(db);
    // A rejected AUTH is only an event: Redis keeps the connection as the default user, so DBSIZE can pass.
    if (cause) throw cause;
  } catch (e) {
    client.disconnect();
    throw cause ?? e;
  }
}

export async function connectStandalone(config: SourceConfig): Promise<Connection> {
  const endpoint = resolveEndpoint(config);
  const tunnel = await openTunnel(config, endpoint);
  const where = `${endpoint.host}:${endpoint.port}${tunnel ? ` through SSH bastion ${tunnel.bastion}` : ''}`;
  let client: Redis;
  try {
    const at = tunnel ? { host: tunnel.host, port: tunnel.port } : {};
    client = new Redis({ ...baseOptions(config, endpoint), ...at });
    await open(client, endpoint.db);
  } catch (e) {
    await tunnel?.close();
    throw tunnel?.forwardError ? tunnelForwardProblem(tunnel, endpoint, tunnel.forwardError) : e;
  }
  return {
    spaces: [{ id: 'standalone', client }],
    primary: client,
    description: where,
    close: async () => {
      client.disconnect();
      await tunnel?.close();
    },
  };
}
