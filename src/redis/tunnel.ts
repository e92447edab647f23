import { createServer, type Server, type Socket } from 'node:net';
import type { SourceConfig } from '../config/config.js';
import { ConfigError, ConnectorError, TransientError } from '../protocol/errors.js';


/** A local port on 127.0.0.1 that forwards, through the SSH bastion, to the Redis host and port. */
export interface Tunnel {
  host: '127.0.0.1';
  port: number;
  /** Where the bastion is, for messages (never credentials). */
  bastion: string;
  /** The last failure of the bastion to reach Redis (a refused forward), to explain a closed connection. */
  forwardError?: Error;
  close(): Promise<void>;
}

type SshMethod = Exclude<NonNullable<SourceConfig['tunnel_method']>, { tunnel_method: 'NO_TUNNEL' }>;

function sshMethod(config: SourceConfig): SshMethod | undefined {
  const t = config.tunnel_method;
  return t && t.tunnel_method !== 'NO_TUNNEL' ? t : undefined;
}

export const usesTunnel = (config: SourceConfig) => sshMethod(config) !== undefined;

/** Failures of the SSH connection itself, named for the user: which host, which credential, what to do. */
function sshProblem(err: Error & { level?: string; code?: string }, t: SshMethod, timeoutSeconds: number): ConnectorError {
  const bastion = `${t.tunnel_host}:${t.tunnel_port}`;
  const msg = err.message;
  if (err.level === 'client-authentication') {
    return t.tunnel_method === 'SSH_KEY_AUTH'
      ? new ConfigError(
          `SSH authentication failed at bastion ${bastion}: user '${t.tunnel_user}' was refused with the given SSH key. Check 'tunnel_method.tunnel_user', and that the key's public half is in that user's ~/.ssh/authorized_keys.`,
          msg,
        )
      : new ConfigError(
          `SSH authentication failed at bastion ${bastion}: user '${t.tunnel_user}' was refused with the given password. Check 'tunnel_method.tunnel_user' and 'tunnel_method.tunnel_user_password', and that the bastion allows password authentication.`,
          msg,
        );
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new ConfigError(`The SSH bastion host '${t.tunnel_host}' could not be resolved: check 'tunnel_method.tunnel_host'.`, msg);
  }
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new TransientError(
      `The SSH bastion ${bastion} did not complete the SSH handshake within ${timeoutSeconds} s: check 'tunnel_method.tunnel_host' and 'tunnel_port', and that the bastion accepts SSH from here.`,
      msg,
    );
  }
  if (err.level === 'client-socket') {
    return new TransientError(
      `The SSH bastion ${bastion} is unreachable (${err.code ?? msg}): check 'tunnel_method.tunnel_host' and 'tunnel_port', and that an SSH server listens there.`,
      msg,
    );
  }
  return new TransientError(`The SSH connection to bastion ${bastion} failed: ${msg}`, msg);
}

/**
 * Opens the SSH connection (key or password, as Airbyte's tunnel_method block says) and a local listener
 * whose every connection is forwarded to host:port as seen from the bastion. Undefined without a tunnel.
 */
export async function openTunnel(config: SourceConfig, target: { host: string; port: number }): Promise<Tunnel | undefined> {
  const t = sshMethod(config);
  if (!t) return undefined;
  // Loaded only when a tunnel is configured: ssh2 and its crypto add ~40 ms to every start otherwise.
  const { Client, utils } = (await import('ssh2')).default;
  const auth: { privateKey?: string; password?: string } = {};
  if (t.tunnel_method === 'SSH_KEY_AUTH') {
    const parsed = utils.parseKey(t.ssh_key);
    if (parsed instanceof Error) {
      throw new ConfigError(
        `'tunnel_method.ssh_key' is not a private key the SSH client can use (${parsed.message}): paste the whole unencrypted private key, e.g. made with ssh-keygen -t rsa -m PEM.`,
      );
    }
    auth.privateKey = t.ssh_key;
  } else {
    auth.password = t.tunnel_user_password;
  }
  const client = new Client();
  const timeout = config.connect_timeout_seconds;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (e) => reject(sshProblem(e, t, timeout)));
    client.connect({
      host: t.tunnel_host,
      port: t.tunnel_port,
      username: t.tunnel_user,
      ...auth,
      readyTimeout: timeout * 1000,
      // A long read sits idle on the SSH layer between pages only rarely, but bastions drop silent sessions.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
    });
  });
  const sockets = new Set<Socket>();
  const tunnel: Tunnel = {
    host: '127.0.0.1',
    port: 0,
    bastion: `${t.tunnel_host}:${t.tunnel_port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      client.end();
    },
  };
  // Errors after the handshake surface to the Redis client as a closed connection; keep the SSH one quiet.
  client.on('error', () => undefined);
  const server: Server = createServer((local) => {
    sockets.add(local);
    local.on('close', () => sockets.delete(local));
    local.on('error', () => undefined);
    client.forwardOut('127.0.0.1', local.remotePort ?? 0, target.host, target.port, (err, remote) => {
      if (err) {
        tunnel.forwardError = err;
        local.destroy();
        return;
      }
      remote.on('error', () => local.destroy());
      local.pipe(remote).pipe(local);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  }).catch((e) => {
    client.end();
    throw e;
  });
  tunnel.port = (server.address() as { port: number }).port;
  return tunnel;
}
