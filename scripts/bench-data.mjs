// Bench data sets, generated as RESP and fed to `redis-cli --pipe` (one pipelined stream per database).
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Sizes of the data sets: the full set, or a smaller one for --quick. */
export function sizes(quick) {
  return quick
    ? { strings: 100_000, elements: 200_000, mixed: 20_000 }
    : { strings: 1_000_000, elements: 2_000_000, mixed: 200_000 };
}

/** Databases: strings alone, the five big collections, and the mixed key space the keys table reads. */
export const DB = { strings: 0, big: 1, mixed: 2 };

function resp(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const v = String(a);
    s += `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
  }
  return s;
}

/** Streams generated commands into redis-cli --pipe, honouring its stdin backpressure. */
async function pipe(host, port, db, generate) {
  const cli = spawn('redis-cli', ['-h', host, '-p', String(port), '-n', String(db), '--pipe'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  cli.stdout.on('data', (d) => (out += d));
  let buf = '';
  for (const command of generate()) {
    buf += resp(command);
    if (buf.length > 1 << 20) {
      if (!cli.stdin.write(buf)) await once(cli.stdin, 'drain');
      buf = '';
    }
  }
  cli.stdin.end(buf);
  const [code] = await once(cli, 'exit');
  if (code !== 0 || !/errors: 0,/.test(out)) throw new Error(`redis-cli --pipe into db ${db} failed: ${out.trim()}`);
}

function* strings(n) {
  // Half the keys carry a TTL; values of 20-60 bytes.
  for (let i = 0; i < n; i++) {
    const value = `value-${i}-${'x'.repeat(i % 40)}`;
    yield i % 2 === 0 ? ['SET', `str:${i}`, value] : ['SET', `str:${i}`, value, 'EX', 86400];
  }
}

function* chunked(n, make, per = 1000) {
  for (let from = 0; from < n; from += per) yield make(from, Math.min(n, from + per));
}

function* big(n) {
  const range = (from, to, f) => Array.from({ length: to - from }, (_, j) => f(from + j)).flat();
  yield* chunked(n, (a, b) => ['RPUSH', 'big:list', ...range(a, b, (i) => [`element-${i}`])]);
  yield* chunked(n, (a, b) => ['HSET', 'big:hash', ...range(a, b, (i) => [`field-${i}`, `value-${i}`])]);
  yield* chunked(n, (a, b) => ['SADD', 'big:set', ...range(a, b, (i) => [`member-${i}`])]);
  yield* chunked(n, (a, b) => ['ZADD', 'big:zset', ...range(a, b, (i) => [i * 1.5, `member-${i}`])]);
  for (let i = 0; i < n; i++) yield ['XADD', 'big:stream', `${i + 1}-0`, 'n', i, 'payload', `entry-${i}`];
}

function* mixed(n) {
  for (let i = 0; i < n; i++) {
    const k = `mixed:${i}`;
    switch (i % 6) {
      case 0: yield ['SET', k, `v${i}`]; break;
      case 1: yield ['HSET', k, 'a', i, 'b', 'x']; break;
      case 2: yield ['RPUSH', k, 'a', 'b', 'c']; break;
      case 3: yield ['SADD', k, 'a', 'b', 'c']; break;
      case 4: yield ['ZADD', k, 1, 'a', 2, 'b']; break;
      default: yield ['XADD', k, '1-1', 'f', 'v'];
    }
    if (i % 3 === 0) yield ['EXPIRE', k, 86400];
  }
}

/** The records each table should yield from the data sets. */
export function expected(s) {
  return {
    strings: s.strings, keys: s.mixed,
    lists: s.elements, hashes: s.elements, sets: s.elements, sorted_sets: s.elements, streams: s.elements,
  };
}

/** Loads the data sets into empty databases; leaves databases that already hold them (re-runs with --url). */
export async function load(redis, host, port, s) {
  const want = [
    [DB.strings, s.strings, () => strings(s.strings)],
    [DB.big, 5, () => big(s.elements)],
    [DB.mixed, s.mixed, () => mixed(s.mixed)],
  ];
  for (const [db, keys, generate] of want) {
    const have = Number(redis(['-n', String(db), 'DBSIZE']));
    if (have === keys) continue;
    if (have !== 0) throw new Error(`database ${db} holds ${have} keys, not the bench data set; use an empty Redis`);
    await pipe(host, port, db, generate);
  }
}
