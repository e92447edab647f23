// The plain per-key reader the bench compares against: one awaited command at a time, whole collections
// in one reply, one JSON line per record. Usage: node bench-naive.mjs <host> <port> <db> <table> <maxSeconds>
import { Redis } from 'ioredis';

const [host, port, db, table, maxSeconds] = process.argv.slice(2);
const redis = new Redis({ host, port: Number(port), db: Number(db) });
const deadline = Date.now() + Number(maxSeconds) * 1000;
const emittedAt = Date.now();

async function write(data) {
  const line = JSON.stringify({ type: 'RECORD', record: { stream: table, data, emitted_at: emittedAt } }) + '\n';
  if (!process.stdout.write(line)) await new Promise((r) => process.stdout.once('drain', r));
}

const TYPE = { strings: 'string', hashes: 'hash', lists: 'list', sets: 'set', sorted_sets: 'zset', streams: 'stream' };

async function readKey(key) {
  const ttl = await redis.ttl(key);
  const t = table === 'keys' ? await redis.type(key) : TYPE[table];
  if (table === 'keys') {
    return write({ key_name: key, key_type: t, ttl_seconds: ttl, memory_bytes: await redis.memory('USAGE', key) });
  }
  if (t === 'string') return write({ key_name: key, value: await redis.get(key), ttl_seconds: ttl });
  if (t === 'hash') {
    const h = await redis.hgetall(key);
    for (const field in h) await write({ key_name: key, field, value: h[field], ttl_seconds: ttl });
  } else if (t === 'list') {
    const l = await redis.lrange(key, 0, -1);
    for (let i = 0; i < l.length; i++) await write({ key_name: key, list_index: i, value: l[i], ttl_seconds: ttl });
  } else if (t === 'set') {
    for (const member of await redis.smembers(key)) await write({ key_name: key, member, ttl_seconds: ttl });
  } else if (t === 'zset') {
    const z = await redis.zrange(key, 0, -1, 'WITHSCORES');
    for (let i = 0; i < z.length; i += 2) await write({ key_name: key, member: z[i], score: Number(z[i + 1]), rank: i / 2, ttl_seconds: ttl });
  } else if (t === 'stream') {
    for (const [id, f] of await redis.xrange(key, '-', '+')) await write({ key_name: key, entry_id: id, fields: JSON.stringify(f), ttl_seconds: ttl });
  }
}

let cursor = '0';
do {
  const [next, keys] = table === 'keys' ? await redis.scan(cursor, 'COUNT', 1000) : await redis.scan(cursor, 'COUNT', 1000, 'TYPE', TYPE[table]);
  for (const key of keys) {
    if (Date.now() > deadline) break;
    await readKey(key);
  }
  cursor = Date.now() > deadline ? '0' : next;
} while (cursor !== '0');
redis.disconnect();
