// Real Redis servers for tests: a redis-server process on a free port, or a container where only Docker exists.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisInstance {
  host: string;
  port: number;
  /** Working directory of the server (config, certificates, logs). */
  dir: string;
  pid?: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra redis-server arguments, e.g. ['--requirepass', 'x'] or TLS options. */
  args?: string[];
  /** Lines of a redis.conf (for ACL users and the like); written to the server's directory. */
  conf?: string[];
  /** When the server answers only TLS, the harness waits for the port instead of PING. */
  tls?: boolean;
  /** Use this port (for restarts on the same address). */
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function hasDocker(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Resolves once the port accepts connections (and, for plain servers, answers PING with PONG or an auth error). */
async function waitReady(port: number, tls: boolean, proc?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode} before it was ready`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.setTimeout(500);
      s.once('error', () => resolve(false));
      s.once('timeout', () => (s.destroy(), resolve(false)));
      s.connect(port, '127.0.0.1', () => {
        if (tls) return s.end(), resolve(true);
        s.write('PING\r\n');
        s.once('data', (d) => {
          s.end();
          resolve(/PONG|NOAUTH|LOADING/.test(d.toString()) ? !/LOADING/.test(d.toString()) : false);
        });
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not become ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedis(opts: StartOptions = {}): Promise<RedisInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'source-redis-test-'));
  const port = opts.port ?? (await freePort());
  const confArgs: string[] = [];
  if (opts.conf && opts.conf.length > 0) {
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, opts.conf.join('\n') + '\n');
    confArgs.push(conf);
  }
  if (hasRedisServer()) {
    const args = [
      ...confArgs,
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--logfile', join(dir, 'redis.log'),
      ...(opts.args ?? []),
    ];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    try {
      await waitReady(opts.tls ? Number(args[args.indexOf('--tls-port') + 1]) || port : port, !!opts.tls, proc);
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
    return {
      host: '127.0.0.1',
      port,
      dir,
      pid: proc.pid,
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (hasDocker()) return startContainer(opts, dir);
  throw new Error(
    'These tests need a real Redis: install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
      'so it is on PATH, or run a Docker engine so testcontainers can start redis:7.',
  );
}

async function startContainer(opts: StartOptions, dir: string): Promise<RedisInstance> {
  const { GenericContainer, Wait } = await import('testcontainers');
  let container = new GenericContainer('redis:7.0')
    .withExposedPorts(6379)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no', ...(opts.args ?? [])])
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'));
  if (opts.conf && opts.conf.length > 0) {
    container = container
      .withCopyContentToContainer([{ content: opts.conf.join('\n') + '\n', target: '/etc/redis/test.conf' }])
      .withCommand(['redis-server', '/etc/redis/test.conf', '--save', '', ...(opts.args ?? [])]);
  }
  const started = await container.start();
  return {
    host: started.getHost(),
    port: started.getMappedPort(6379),
    dir,
    async stop() {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends one command with redis-cli semantics over a raw socket-free path: the tests' independent view of Redis. */
export function redisCli(port: number, args: string[], input?: Buffer): Buffer {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { input });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
