import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { SourceConfig } from '../config/config.js';
import { ConfigError } from '../protocol/errors.js';
import { registerSecret } from '../protocol/redact.js';

/** Where and as whom to connect, after connection_url and the separate fields are reconciled. */
export interface Endpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  /** Node TLS options; undefined for a plain TCP connection. */
  tls?: ConnectionOptions;
}

function fromUrl(text: string): Omit<Endpoint, 'tls'> & { secure: boolean } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL is a secret (it may hold the password): never echo it.
    throw new ConfigError("'connection_url' is not a valid URL: expected redis://[user:password@]host:port[/db] or rediss://….");
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`'connection_url' must start with redis:// or rediss:// (got ${url.protocol}//).`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConfigError("'connection_url' has no host: expected redis://[user:password@]host:port[/db].");
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) {
    throw new ConfigError(`'connection_url' path must be a database number such as /0 (got /${path.slice(0, 20)}).`);
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  registerSecret(password);
  return {
    host,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    db: path === '' ? NaN : Number(path),
    secure: url.protocol === 'rediss:',
  };
}

function pem(value: string | undefined, field: string, marker: RegExp): string | undefined {
  if (!value || value.trim() === '') return undefined;
  if (!marker.test(value)) {
    throw new ConfigError(`'tls.${field}' must be PEM text starting with -----BEGIN …----- (paste the file's content, not its path).`);
  }
  return value;
}

/**
 * TLS that verifies by default: the server certificate against tls.ca_certificate (or the system CAs) and
 * its name against tls.server_name (or the host). The name is checked explicitly because the socket may
 * go to a local SSH tunnel port, and SNI is only sent for DNS names (Node refuses an IP as servername).
 */
export function tlsOptions(config: SourceConfig, host: string = resolveEndpoint(config).host): ConnectionOptions {
  const tls = config.tls ?? {};
  const verify = tls.verify_server_certificate !== false;
  const name = tls.server_name?.trim() || host;
  const cert = pem(tls.client_certificate, 'client_certificate', /-----BEGIN [A-Z ]*CERTIFICATE-----/);
  const key = pem(tls.client_key, 'client_key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  if (!!cert !== !!key) {
    throw new ConfigError("Mutual TLS needs both 'tls.client_certificate' and 'tls.client_key' (only one is set).");
  }
  return {
    ca: pem(tls.ca_certificate, 'ca_certificate', /-----BEGIN [A-Z ]*CERTIFICATE-----/),
    cert,
    key,
    passphrase: tls.client_key_password || undefined,
    servername: isIP(name) ? undefined : name,
    rejectUnauthorized: verify,
    // With verification off, the name is not checked either (documented opt-out for self-signed test servers).
    checkServerIdentity: verify ? (_host, peer) => checkServerIdentity(name, peer) : () => undefined,
  };
}

/**
 * The effective connection settings: values in connection_url win over host, port, username, password
 * and db; rediss:// or ssl:true means TLS. Shared by the standalone, Cluster and Sentinel clients.
 */
export function resolveEndpoint(config: SourceConfig): Endpoint {
  const url = config.connection_url ? fromUrl(config.connection_url) : undefined;
  const host = url?.host ?? config.host;
  if (!host) throw new ConfigError("Set 'host' (or 'connection_url'): there is nothing to connect to.");
  const secure = url?.secure || config.ssl;
  return {
    host,
    port: url?.port ?? config.port ?? 6379,
    // Credentials come together: a URL that names a user or password replaces both fields.
    username: url && (url.username || url.password) ? url.username : config.username || undefined,
    password: url && (url.username || url.password) ? url.password : config.password || undefined,
    db: url && !Number.isNaN(url.db) ? url.db : (config.db ?? 0),
    tls: secure ? tlsOptions(config, host) : undefined,
  };
}
