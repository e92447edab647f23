import { Redis, type RedisOptions } from 'ioredis';
import { readFileSync } from 'node:fs';
import type { SourceConfig } from '../config/config.js';

/** One key space: a Redis node whose keys one SCAN cursor walks (a standalone server, or one cluster shard). */
export interface KeySpace {
  /** Stable name used in state and checkpoints. */
  id: string;
  client: Redis;
}

/** An open connection to the user's Redis: the key spaces to scan, and how to close them. */
export interface Connection {
  spaces: KeySpace[];
  /** The client for server-wide commands (INFO, PING). */
  primary: Redis;
  description: string;
  close(): Promise<void>;
}

export function tlsOptions(config: SourceConfig): RedisOptions['tls'] {
  const tls = config.tls ?? {};
  const verify = tls.verify_server_certificate !== false;
  return {
    ca: tls.ca_certificate || undefined,
    cert: tls.client_certificate || undefined,
    key: tls.client_key || undefined,
    passphrase: tls.client_key_password || undefined,
    servername: tls.server_name || config.host,
    rejectUnauthorized: verify,
    // With verification off, the host name is not checked either (documented opt-out for test servers).
    ...(verify ? {} : { checkServerIdentity: () => undefined }),
  };
}

/**
 * Options shared by every client. The ready check is off because it sends INFO, which least-privilege
 * users may lack; reconnection is ours (the reader retries from its cursor), so ioredis fails fast.
 */
export function baseOptions(config: SourceConfig): RedisOptions {
  return {
    host: config.host,
    port: config.port,
    username: config.username || undefined,
    password: config.password || undefined,
    tls: config.ssl ? tlsOptions(config) : undefined,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: true,
    connectTimeout: config.connect_timeout_seconds * 1000,
    commandTimeout: config.command_timeout_seconds * 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // CLIENT SETINFO needs @connection rights a read-only user may not have.
    disableClientInfo: true,
  };
}

/** Standalone, Cluster (every shard a key space) or Sentinel (the current primary or a replica). */
export async function connect(config: SourceConfig): Promise<Connection> {
  const mode = config.deployment?.mode ?? 'standalone';
  if (mode === 'cluster') return (await import('./cluster.js')).connectCluster(config);
  if (mode === 'sentinel') return (await import('./sentinel.js')).connectSentinel(config);
  return connectStandalone(config);
}

export async function connectStandalone(config: SourceConfig): Promise<Connection> {
  const client = new Redis(baseOptions(config));
  await open(client, config.db);
  return {
    spaces: [{ id: 'standalone', client }],
    primary: client,
    description: `${config.host}:${config.port}`,
    close: async () => {
      client.disconnect();
    },
  };
}

/**
 * Connects, selects the database and pings. ioredis reports the real cause (ECONNREFUSED, WRONGPASS) as an
 * 'error' event and rejects the pending command with "Connection is closed" or NOAUTH; the cause wins.
 * SELECT is sent here, not through the db option, because ioredis only emits a failed SELECT as an event
 * and would go on reading db 0.
 */
export async function open(client: Redis, db: number): Promise<void> {
  let cause: Error | undefined;
  client.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await client.connect();
    if (db) await client.select(db);
    await client.ping();
    // A rejected AUTH is only an event: Redis keeps the connection as the default user, so PING can still pass.
    if (cause) throw cause;
  } catch (e) {
    client.disconnect();
    // A rejected AUTH arrives as an event while the next command fails with NOAUTH: the event says why.
    throw cause ?? e;
  }
}

export function readPem(pathOrPem: string): string {
  return pathOrPem.includes('-----BEGIN') ? pathOrPem : readFileSync(pathOrPem, 'utf8');
}
