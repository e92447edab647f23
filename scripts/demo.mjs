// npm run demo [-- --url redis://host:port]: sample data of every type, then check, discover and read
// through the real CLI, printing records per table and the final state.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startThrowawayRedis } from './lib/throwaway-redis.mjs';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const urlArg = process.argv.indexOf('--url');
const url = urlArg > 0 ? process.argv[urlArg + 1] : process.env.REDIS_URL;

async function seed(redis) {
  const p = redis.pipeline();
  p.set('demo:greeting', 'hello, world');
  p.set('demo:unicode:ключ', 'значение ✓');
  p.set('demo:binary', Buffer.from([0xff, 0x00, 0xfe, 0x80]));
  p.set('demo:empty', '');
  p.set('demo:session', 'expires soon', 'EX', 3600);
  p.hset('demo:user:1', { name: 'Ada', email: 'ada@example.com', visits: '42' });
  p.rpush('demo:queue', 'job-1', 'job-2', 'job-3');
  p.sadd('demo:tags', 'redis', 'airbyte', 'warehouse');
  p.zadd('demo:leaderboard', 100, 'alice', 85.5, 'bob', 'inf', 'champion');
  p.xadd('demo:events', '1-2', 'type', 'signup', 'user', '1');
  p.xadd('demo:events', '1-10', 'type', 'login', 'user', '1');
  await p.exec();
}

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const messages = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { code: r.status, messages };
}

const server = url ? undefined : await startThrowawayRedis();
const target = url ? new URL(url) : new URL(`redis://${server.host}:${server.port}`);
try {
  const redis = new Redis(target.toString());
  await seed(redis);
  redis.disconnect();

  const dir = mkdtempSync(join(tmpdir(), 'source-redis-demo-'));
  const config = { host: target.hostname, port: Number(target.port || 6379), key_pattern: 'demo:*', batch_size: 100 };
  if (target.password) config.password = decodeURIComponent(target.password);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

  console.log(`Redis at ${target.hostname}:${target.port || 6379}${server ? ' (throwaway)' : ''}\n`);
  const check = cli(['check', '--config', join(dir, 'config.json')]);
  console.log('check:', JSON.stringify(check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus));

  const discover = cli(['discover', '--config', join(dir, 'config.json')]);
  const streams = discover.messages.find((m) => m.type === 'CATALOG').catalog.streams;
  console.log('discover:', streams.map((s) => s.name).join(', '), '\n');

  const catalog = {
    streams: streams.map((s) => ({
      stream: s,
      sync_mode: s.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh',
      cursor_field: s.default_cursor_field,
      destination_sync_mode: 'append',
    })),
  };
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
  const read = cli(['read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')]);
  for (const s of streams) {
    const recs = read.messages.filter((m) => m.type === 'RECORD' && m.record.stream === s.name);
    console.log(`${s.name}: ${recs.length} records`);
    for (const r of recs.slice(0, s.name === 'server_info' ? 2 : 4)) console.log('   ', JSON.stringify(r.record.data));
  }
  const finalState = read.messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'streams').pop();
  console.log('\nfinal state of streams:', JSON.stringify(finalState?.state.stream.stream_state));
  console.log(`read exit code: ${read.code}`);
  process.exitCode = check.code || discover.code || read.code;
} finally {
  await server?.stop();
}
