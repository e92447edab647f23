// Cluster read throughput, shards in parallel vs one after another, at a few network latencies.
// Starts its own three redis-server cluster nodes (announced behind in-process delaying proxies) on free
// loopback ports, seeds them, reads strings and hashes in-process, prints figures, stops the servers by pid.
// Usage: npm run bench:cluster [-- --keys 20000 --batch 200 --delays 0,1,2]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { parseConfig } from '../dist/config/config.js';
import { readTableEvents } from '../dist/read/table.js';
import { connect } from '../dist/redis/client.js';
import { findTable } from '../dist/tables/index.js';
import { freePort } from './lib/throwaway-redis.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const KEYS = Number(arg('keys', 20000));
const BATCH = Number(arg('batch', 200));
const DELAYS = arg('delays', '0,1,2').split(',').map(Number);

let delay = 0; // ms added each way, on every chunk through a proxy
const later = (fn) => (delay > 0 ? setTimeout(fn, delay) : fn());
const servers = [];
const proxies = [];
const dir = mkdtempSync(join(tmpdir(), 'source-redis-bench-cluster-'));

async function start() {
  for (let i = 0; i < 3; i++) {
    const [port, proxyPort] = [await freePort(), await freePort()];
    proxies.push(
      net
        .createServer((c) => {
          const u = net.connect(port, '127.0.0.1');
          c.on('data', (d) => later(() => u.write(d)));
          u.on('data', (d) => later(() => c.write(d)));
          for (const [a, b] of [[c, u], [u, c]]) a.on('error', () => b.destroy()).on('close', () => b.destroy());
        })
        .listen(proxyPort, '127.0.0.1'),
    );
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--logfile', join(dir, `${port}.log`),
      '--cluster-announce-port', String(proxyPort), '--cluster-announce-bus-port', String(port + 10000)];
    servers.push({ port, proxyPort, proc: spawn('redis-server', args, { stdio: 'ignore' }) });
  }
  await new Promise((r) => setTimeout(r, 500));
  // Asynchronous: redis-cli also talks to the announced (proxy) ports, served by this process.
  const code = await new Promise((r) =>
    spawn('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-yes'], { stdio: 'ignore' }).on('close', r),
  );
  if (code !== 0) throw new Error('redis-cli --cluster create failed');
  await new Promise((r) => setTimeout(r, 2000));
  const w = new Cluster([{ host: '127.0.0.1', port: servers[0].proxyPort }], { enableAutoPipelining: true });
  for (let i = 0; i < KEYS; i += 1000) {
    const ops = [];
    for (let j = i; j < Math.min(KEYS, i + 1000); j++) ops.push(w.set(`s:${j}`, 'x'.repeat(100)), w.hset(`h:${j}`, 'a', '1', 'b', '2', 'c', '3'));
    await Promise.all(ops);
  }
  await w.quit();
}

async function readAll(parallelSpaces) {
  const config = parseConfig({ host: '127.0.0.1', port: servers[0].proxyPort, batch_size: BATCH, deployment: { mode: 'cluster' } });
  const connection = await connect(config);
  let rows = 0;
  const t = performance.now();
  try {
    for (const name of ['strings', 'hashes']) {
      const events = readTableEvents({ connection, config, table: findTable(name), syncMode: 'full_refresh', warn: () => undefined, parallelSpaces });
      for await (const e of events) if (e.kind === 'rows') rows += e.rows.length;
    }
  } finally {
    await connection.close();
  }
  return { rows, ms: performance.now() - t };
}

try {
  await start();
  console.log(`3 shards, ${KEYS} strings + ${KEYS} hashes (3 fields), batch_size ${BATCH}`);
  console.log('latency each way | shards in parallel | one after another | speed-up');
  for (const d of DELAYS) {
    delay = d;
    const par = await readAll(16);
    const seq = await readAll(1);
    const rate = (r) => `${Math.round(r.rows / (r.ms / 1000))} rows/s`;
    console.log(`${d} ms | ${rate(par)} | ${rate(seq)} | ${(seq.ms / par.ms).toFixed(2)}x`);
  }
} finally {
  for (const s of servers) s.proc.kill('SIGTERM');
  for (const p of proxies) p.close();
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
