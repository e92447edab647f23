// A real OpenSSH server for tunnel tests: non-daemon, on a loopback free port, with its own host key and config.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => existsSync(p));

export interface Sshd {
  port: number;
  user: string;
  password: string;
  /** RSA private key in PEM (ssh-keygen -m PEM), as Airbyte's tunnel_method asks for. */
  privateKey: string;
  /** A key the server does not know. */
  strangerKey: string;
  log(): string;
  stop(): Promise<void>;
}

function keygen(dir: string, name: string, type: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048', '-m', 'PEM'] : []), '-N', '', '-f', join(dir, name)]);
  return join(dir, name);
}

/**
 * Password authentication checks a real system account, so the test user is created (root only) with a
 * random password and no shell; key authentication uses an authorized_keys file in the test's directory.
 */
function ensureUser(user: string, password: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error('The SSH tunnel tests create a system user for password authentication and need root (as in .ci/run).');
  }
  if (spawnSync('id', [user], { stdio: 'ignore' }).status !== 0) {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  }
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
}

export async function startSshd(): Promise<Sshd> {
  if (!SSHD) throw new Error('These tests need OpenSSH server: apt-get install -y openssh-server (.ci/run installs it).');
  const dir = mkdtempSync(join(tmpdir(), 'source-redis-sshd-'));
  chmodSync(dir, 0o755);
  const user = 'srtest_tunnel';
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  ensureUser(user, password);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = keygen(dir, 'host_key', 'ed25519');
  const userKey = keygen(dir, 'user_key', 'rsa');
  const stranger = keygen(dir, 'stranger_key', 'rsa');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowUsers ${user}`,
      'AllowTcpForwarding yes',
      'PermitTTY no',
      'X11Forwarding no',
      'LogLevel VERBOSE',
    ].join('\n') + '\n',
  );
  const logs: Buffer[] = [];
  const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => logs.push(d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`sshd exited (${proc.exitCode}): ${Buffer.concat(logs).toString()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error('sshd did not listen within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    user,
    password,
    privateKey: readFileSync(userKey, 'utf8'),
    strangerKey: readFileSync(stranger, 'utf8'),
    log: () => Buffer.concat(logs).toString(),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      // The account keeps no password once the test is over.
      spawnSync('passwd', ['--lock', user], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
