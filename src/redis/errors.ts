import type { SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError, TransientError } from '../protocol/errors.js';
import { type Endpoint, resolveEndpoint } from './endpoint.js';
import type { Tunnel } from './tunnel.js';

/** Where the connector connects, as the user configured it (never with credentials). */
export function target(config: SourceConfig): string {
  try {
    const e = resolveEndpoint(config);
    return `${e.host}:${e.port}`;
  } catch {
    return config.host ? `${config.host}:${config.port}` : 'the connection URL';
  }
}

function endpointOf(config: SourceConfig): Partial<Endpoint> {
  try {
    return resolveEndpoint(config);
  } catch {
    return { username: config.username, db: config.db };
  }
}

/** OpenSSL's reason without its file and line noise: "ssl3_read_bytes:tlsv13 alert certificate required" → the alert. */
function short(msg: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(msg)?.[1]?.trim() ?? msg.trim();
}

/** TLS failures, each with the config field that fixes it. Undefined when the error is not about TLS. */
function tlsProblem(code: string, msg: string, config: SourceConfig, where: string): ConfigError | undefined {
  const name = config.tls?.server_name || where.replace(/:\d+$/, '');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /Hostname\/IP does not match|altnames/i.test(msg)) {
    return new ConfigError(
      `TLS failure at ${where}: the server certificate is not valid for the name '${name}' (${msg}). Connect by a name the certificate lists, or set 'tls.server_name' to it.`,
      msg,
    );
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/.test(code) || /self.signed|unable to (verify|get issuer)/i.test(msg)) {
    return new ConfigError(
      `TLS failure at ${where}: the server certificate is not trusted (${code || msg}). Put the PEM of the CA that signed it in 'tls.ca_certificate' (or, for a self-signed test server only, set 'tls.verify_server_certificate' to false).`,
      msg,
    );
  }
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(code)) {
    return new ConfigError(`TLS failure at ${where}: the server certificate is expired or not yet valid (${code}).`, msg);
  }
  if (/certificate required|CERTIFICATE_REQUIRED|peer did not return a certificate|alert handshake failure|alert bad certificate|unknown ca/i.test(code + ' ' + msg)) {
    return new ConfigError(
      `TLS failure at ${where}: the server requires a client certificate it trusts (mutual TLS) and refused the connection (${short(msg)}). Set 'tls.client_certificate' and 'tls.client_key' to a certificate signed by the CA the server trusts.`,
      msg,
    );
  }
  if (/bad decrypt|bad password read|BAD_DECRYPT|unable to load private key|PEM routines/i.test(code + ' ' + msg)) {
    return new ConfigError(
      `The TLS client key could not be read: check 'tls.client_key', and 'tls.client_key_password' if the key is encrypted.`,
      msg,
    );
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(code + ' ' + msg)) {
    return new ConfigError(`'tls.client_key' is not the private key of 'tls.client_certificate'.`, msg);
  }
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(code + ' ' + msg)) {
    return new ConfigError(`TLS failure at ${where}: the server did not answer TLS. If it is a plain Redis port, set 'ssl' to false (and use redis://, not rediss://).`, msg);
  }
  if (/^ERR_TLS|^ERR_SSL|CERT/.test(code) || /certificate|SSL routines|TLS/i.test(msg)) {
    return new ConfigError(`TLS failure at ${where}: ${msg}. Check 'tls.ca_certificate', 'tls.server_name' and the client certificate.`, msg);
  }
  return undefined;
}

/**
 * Names what went wrong connecting, in the user's terms: refused connection, wrong password or user,
 * TLS failure, missing database, timeout. Config problems are config_error; a server that is down or
 * slow is transient_error.
 */
export function connectionProblem(err: unknown, config: SourceConfig): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as NodeJS.ErrnoException;
  const msg = e?.message ?? String(err);
  const code = e?.code ?? '';
  const where = target(config);
  const endpoint = endpointOf(config);
  const user = endpoint.username ? `user '${endpoint.username}'` : 'the default user';
  if (/WRONGPASS|invalid username-password|invalid password/i.test(msg)) {
    return new ConfigError(`Authentication failed for ${user} at ${where}: wrong password or user, or the user is disabled (${msg}).`, msg);
  }
  if (/NOAUTH/i.test(msg)) {
    return new ConfigError(`The server at ${where} requires a password (NOAUTH): set 'password' (and 'username' for an ACL user).`, msg);
  }
  if (/AUTH.*without any password configured|called without any password/i.test(msg)) {
    return new ConfigError(`A password was given but the server at ${where} has none configured: leave 'password' empty.`, msg);
  }
  if (/DB index is out of range|invalid DB index/i.test(msg)) {
    return new ConfigError(`Database ${endpoint.db} does not exist on the server at ${where} (${msg}): use a 'db' below the server's 'databases' setting.`, msg);
  }
  if (/NOPERM.*'select'/i.test(msg)) {
    return new ConfigError(`Permission denied for ${user} at ${where}: database ${endpoint.db} needs SELECT. Add '+select' to the user's ACL rule, or read database 0.`, msg);
  }
  if (/NOPERM/i.test(msg)) {
    return new ConfigError(`Permission denied for ${user} at ${where}: ${msg}. Grant the ACL rule in the docs' least-privilege setup ('+@read').`, msg);
  }
  const tls = tlsProblem(code, msg, config, where);
  if (tls) return tls;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    return new TransientError(`Connection refused at ${where}: is Redis running there, and are 'host' and 'port' right?`, msg);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) {
    return new ConfigError(`The host in ${where} could not be resolved: check 'host'.`, msg);
  }
  const tlsOn = !!endpoint.tls;
  if (tlsOn && (code === 'ETIMEDOUT' || /timed? ?out/i.test(msg))) {
    return new TransientError(
      `Timed out connecting to ${where} after ${config.connect_timeout_seconds} s, in the TCP connection or the TLS handshake: check the host, port and firewall; if this is a plain Redis port (no TLS), set 'ssl' to false and use redis://.`,
      msg,
    );
  }
  // TLS 1.3 finishes the client's handshake before the server checks its certificate; the server's refusal
  // then arrives as a reset connection, often before its alert can be read.
  if (tlsOn && /Connection is closed|ECONNRESET|socket hang up|EPIPE/i.test(msg + code)) {
    return new ConfigError(
      endpoint.tls?.cert
        ? `The server at ${where} closed the TLS connection right after the handshake: it does not accept the client certificate. Check that 'tls.client_certificate' is signed by a CA the server trusts (tls-ca-cert-file).`
        : `The server at ${where} closed the TLS connection right after the handshake: it requires a client certificate (mutual TLS). Set 'tls.client_certificate' and 'tls.client_key'.`,
      msg,
    );
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) {
    return new TransientError(
      `Timed out connecting to ${where} after ${config.connect_timeout_seconds} s: check the host, port, firewall, and whether the server needs TLS ('ssl').`,
      msg,
    );
  }
  if (/Connection is closed|ECONNRESET|socket hang up/i.test(msg + code)) {
    return new TransientError(
      `The server at ${where} closed the connection: if it requires TLS set 'ssl' to true (and a client certificate if it asks for one); otherwise check that it is a Redis server.`,
      msg,
    );
  }
  return new ConnectorError(`Could not connect to Redis at ${where}: ${msg}`, 'system_error', msg);
}

/** The bastion accepted us but could not open a channel to Redis: host and port are seen from the bastion. */
export function tunnelForwardProblem(tunnel: Tunnel, endpoint: { host: string; port: number }, err: Error): ConnectorError {
  return new TransientError(
    `The SSH bastion ${tunnel.bastion} could not reach Redis at ${endpoint.host}:${endpoint.port} (${err.message}): 'host' and 'port' are resolved from the bastion, check them there.`,
    err.message,
  );
}
