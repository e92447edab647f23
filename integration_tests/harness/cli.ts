// Runs the built CLI as a child process, the way Airbyte runs the image, and parses what it prints.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
  messages: any[];
}

export function runCli(args: string[], opts: { cwd?: string; entry?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? CLI, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const lines = stdout.split('\n').filter((l) => l.length > 0);
      const messages = lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return { __unparsable: l };
        }
      });
      resolve({ code, stdout, stderr: Buffer.concat(err).toString('utf8'), lines, messages });
    });
  });
}

/** A temporary directory with JSON files written in it; returns their paths. */
export function jsonFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'source-redis-cli-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = p;
  }
  return paths;
}

export const ALL_TABLES = ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams', 'server_info'];

/** A configured catalog for the given tables; streams incremental unless told otherwise. */
export function catalogFor(tables = ALL_TABLES, streamsMode: 'incremental' | 'full_refresh' = 'incremental') {
  return {
    streams: tables.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: name === 'streams' ? ['full_refresh', 'incremental'] : ['full_refresh'] },
      sync_mode: name === 'streams' ? streamsMode : 'full_refresh',
      destination_sync_mode: 'append',
      ...(name === 'streams' && streamsMode === 'incremental' ? { cursor_field: ['entry_id'] } : {}),
    })),
  };
}

export const records = (r: CliResult, stream?: string) =>
  r.messages.filter((m) => m.type === 'RECORD' && (!stream || m.record.stream === stream)).map((m) => m.record);
export const states = (r: CliResult, stream?: string) =>
  r.messages.filter((m) => m.type === 'STATE' && (!stream || m.state.stream?.stream_descriptor?.name === stream));
export const traces = (r: CliResult, type?: string) => r.messages.filter((m) => m.type === 'TRACE' && (!type || m.trace.type === type));
