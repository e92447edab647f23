// The built CLI as a child whose stdout the test holds back: faults are injected while the read is
// blocked mid-stream (its writes wait for 'drain'), so "mid-read" is a point the test chooses.
import { spawn } from 'node:child_process';
import { createServer, Socket, type Server } from 'node:net';
import { CLI, type CliResult } from '../harness/cli.js';

export interface Controlled {
  /** After this many records: run the action with the child's output held back, then let it go on. */
  at?: { records: number; action: () => Promise<void> }[];
  /** Kill the child (SIGKILL) once this many records were seen. */
  killAfter?: number;
  timeoutMs?: number;
}

export function runControlled(args: string[], c: Controlled = {}): Promise<CliResult & { killed: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const err: Buffer[] = [];
    let partial = '';
    let records = 0;
    let killed = false;
    const pending = [...(c.at ?? [])].sort((a, b) => a.records - b.records);
    child.stderr.on('data', (d) => err.push(d));
    // A StringDecoder: a character split across two pipe chunks must not become two U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        if (killed) return;
        lines.push(line);
        if (!line.startsWith('{"type":"RECORD"')) continue;
        records++;
        if (c.killAfter !== undefined && records >= c.killAfter) {
          killed = true;
          child.kill('SIGKILL');
          return;
        }
        if (pending.length > 0 && records >= pending[0].records) {
          const { action } = pending.shift()!;
          child.stdout.pause();
          action().then(
            () => child.stdout.resume(),
            (e) => (child.kill('SIGKILL'), reject(e)),
          );
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), c.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial && !killed) lines.push(partial);
      const messages = lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return { __unparsable: l };
        }
      });
      resolve({ code, stdout: lines.join('\n'), stderr: Buffer.concat(err).toString('utf8'), lines, messages, killed, ms: Date.now() - started });
    });
  });
}

/** A TCP proxy in front of Redis that can cut every connection (FIN/RST) or swallow traffic silently. */
export class FlakyProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private blackhole = false;
  port = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => (this.sockets.delete(s), client.destroy(), upstream.destroy()));
      }
      client.on('data', (d) => !this.blackhole && upstream.write(d));
      upstream.on('data', (d) => !this.blackhole && client.write(d));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Every open connection is reset, as when a load balancer or the network drops it. */
  drop(): void {
    for (const s of this.sockets) s.resetAndDestroy();
  }

  /** Traffic vanishes without a reset (a dead link): only the command timeout notices. */
  swallow(on: boolean): void {
    this.blackhole = on;
  }

  async stop(): Promise<void> {
    this.drop();
    await new Promise((r) => this.server?.close(r));
  }
}
