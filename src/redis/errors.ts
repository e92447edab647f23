import type { SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError, TransientError } from '../protocol/errors.js';

const TLS_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH|ALTNAME/;

/** Where the connector connects, as the user configured it (never with credentials). */
export function target(config: SourceConfig): string {
  if (config.connection_url) {
    try {
      const u = new URL(config.connection_url);
      return `${u.hostname}:${u.port || 6379}`;
    } catch {
      return 'the connection URL';
    }
  }
  return `${config.host}:${config.port}`;
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
  const user = config.username ? `user '${config.username}'` : 'the default user';
  if (/WRONGPASS|invalid username-password|invalid password/i.test(msg)) {
    return new ConfigError(`Authentication failed for ${user} at ${where}: wrong password or user (${msg}).`, msg);
  }
  if (/NOAUTH/i.test(msg)) {
    return new ConfigError(`The server at ${where} requires a password (NOAUTH): set 'password' (and 'username' for an ACL user).`, msg);
  }
  if (/AUTH.*without any password configured|called without any password/i.test(msg)) {
    return new ConfigError(`A password was given but the server at ${where} has none configured: leave 'password' empty.`, msg);
  }
  if (/DB index is out of range|invalid DB index/i.test(msg)) {
    return new ConfigError(`Database ${config.db} does not exist on the server at ${where} (${msg}): use a 'db' below the server's 'databases' setting.`, msg);
  }
  if (/NOPERM/i.test(msg)) {
    return new ConfigError(`Permission denied for ${user} at ${where}: ${msg}. Grant the ACL rule in the docs' least-privilege setup.`, msg);
  }
  if (TLS_CODES.test(code) || /certificate|SSL routines|TLS|self.signed|Hostname\/IP does not match/i.test(msg)) {
    return new ConfigError(`TLS failure connecting to ${where}: ${msg}. Check 'tls.ca_certificate', 'tls.server_name' and the client certificate.`, msg);
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    return new TransientError(`Connection refused at ${where}: is Redis running there, and are 'host' and 'port' right?`, msg);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) {
    return new ConfigError(`The host in ${where} could not be resolved: check 'host'.`, msg);
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) {
    return new TransientError(
      `Timed out connecting to ${where} after ${config.connect_timeout_seconds} s: check the host, port, firewall, and whether the server needs TLS ('ssl').`,
      msg,
    );
  }
  if (/Connection is closed|ECONNRESET|socket hang up/i.test(msg + code)) {
    return new TransientError(
      `The server at ${where} closed the connection: if it requires TLS set 'ssl' to true; otherwise check that it is a Redis server.`,
      msg,
    );
  }
  return new ConnectorError(`Could not connect to Redis at ${where}: ${msg}`, 'system_error', msg);
}
