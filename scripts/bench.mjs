#!/usr/bin/env node
// npm run bench [-- --quick] [--url redis://host:port] [--tables strings,lists] [--no-baseline] [--batch-size N]
// Reads bench data sets through the real CLI and prints records/s, MB/s and peak RSS per table, next to a
// plain per-key reader. Starts a throwaway redis-server unless --url names one (its databases 0-2 must be
// empty or already hold the bench data).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB, expected, load, sizes } from './bench-data.mjs';
import { startThrowawayRedis } from './lib/throwaway-redis.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=').slice(1).join('=') : argv[i + 1];
};
const ALL = ['strings', 'keys', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams'];
const tables = (option('tables') ?? ALL.join(',')).split(',');
const baselineSeconds = Number(option('baseline-seconds') ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'source-redis-bench-'));

/** Peak RSS (VmHWM) and CPU seconds (utime + stime) of a process, polled until it exits. */
function watch(pid) {
  let peak = 0, cpu = 0;
  const poll = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu = (Number(stat[11]) + Number(stat[12])) / 100; // clock ticks, USER_HZ = 100
    } catch {}
  };
  const timer = setInterval(poll, 50);
  return () => (poll(), clearInterval(timer), { peak, cpu });
}

/** Runs a reader process, counting the RECORD lines and bytes it prints. */
function measure(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = watch(child.pid);
    // Counting works on the bytes (memchr for newlines), so the counter stays a small share of the CPU.
    let records = 0, bytes = 0, stderr = '', other = [];
    let pending = Buffer.alloc(0); // the first bytes of a line cut by the end of the previous chunk
    const R = Buffer.from('{"type":"RECORD"');
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      let at = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; at = nl + 1, nl = chunk.indexOf(10, at)) {
        const head = at === 0 && pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, R.length)]) : chunk.subarray(at, nl);
        if (head.length >= R.length && head.compare(R, 0, R.length, 0, R.length) === 0) records++;
        else if (other.length < 200) other.push(head.subarray(0, 300).toString());
        pending = Buffer.alloc(0);
      }
      if (pending.length < R.length) pending = Buffer.concat([pending, chunk.subarray(at, at + R.length)]);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { peak, cpu } = stop();
      resolve({ code, records, bytes, seconds, rss: peak, cpu, stderr, other });
    });
  });
}

function connector(server, table) {
  const config = { host: server.host, port: server.port, db: table === 'strings' ? DB.strings : table === 'keys' ? DB.mixed : DB.big };
  if (option('batch-size')) config.batch_size = Number(option('batch-size'));
  const catalog = { streams: [{ stream: { name: table, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, `catalog-${table}.json`), JSON.stringify(catalog));
  const prof = flag('cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', join(process.cwd(), '.bench', 'profiles')] : [];
  return measure([...prof, here('../dist/main.js'), 'read', '--config', join(dir, 'config.json'), '--catalog', join(dir, `catalog-${table}.json`)]);
}

const mb = (n) => (n / 1e6).toFixed(1);
const rate = (r) => Math.round(r.records / r.seconds);
const pad = (cells) => cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart']([12, 9, 8, 10, 7, 7, 7, 7, 12, 9, 7][i])).join(' ');

async function main() {
  const url = option('url');
  const server = url ? { host: new URL(url).hostname, port: Number(new URL(url).port || 6379) } : await startThrowawayRedis();
  const cli = (args) => spawnSync('redis-cli', ['-h', server.host, '-p', String(server.port), ...args]).stdout.toString().trim();
  try {
    const s = sizes(flag('quick'));
    const t0 = Date.now();
    await load(cli, server.host, server.port, s);
    const version = /redis_version:(\S+)/.exec(cli(['INFO', 'server']))?.[1];
    console.log(`data: ${s.strings} strings, 5 collections of ${s.elements} elements, ${s.mixed} mixed keys (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model.trim()}; node ${process.version}; redis ${version}\n`);
    console.log(pad(['table', 'records', 'seconds', 'records/s', 'MB/s', 'RSS MB', 'CPU s', 'Redis s', 'plain rec/s', 'plain RSS', 'ratio']));
    const want = expected(s);
    for (const table of tables) {
      const redisCpu = () => Number(/used_cpu_user:([\d.]+)/.exec(cli(['INFO', 'cpu']))[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(cli(['INFO', 'cpu']))[1]);
      const before = redisCpu();
      const r = await connector(server, table);
      r.redisCpu = redisCpu() - before;
      if (r.code !== 0 || r.records !== want[table]) {
        console.log(`${table}: exit ${r.code}, ${r.records} records (expected ${want[table]})\n${r.other.slice(-5).join('\n')}\n${r.stderr.slice(-2000)}`);
      }
      let base = { records: 0, seconds: 1, rss: 0 };
      if (!flag('no-baseline')) {
        const db = table === 'strings' ? DB.strings : table === 'keys' ? DB.mixed : DB.big;
        base = await measure([here('bench-naive.mjs'), server.host, String(server.port), String(db), table, String(baselineSeconds)]);
      }
      const ratio = base.records ? (rate(r) / rate(base)).toFixed(1) + 'x' : '-';
      console.log(pad([table, r.records, r.seconds.toFixed(2), rate(r), mb(r.bytes / r.seconds), mb(r.rss), r.cpu.toFixed(1), r.redisCpu.toFixed(1), base.records ? rate(base) : '-', base.records ? mb(base.rss) : '-', ratio]));
    }
  } finally {
    await server.stop?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
