#!/usr/bin/env node
// Loads the acceptance-test fixture data (keys under "cat:") into a Redis, so every table has rows.
// Usage: node seed-fixtures.mjs <config.json> [--delete]
// The config is the connector's own (host, port, db, username, password); only fixture keys are touched.
// No dependencies: it speaks RESP over a socket, so CAT's client container needs nothing but Node.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const TTL_SECONDS = 86_400;
const bin = (hex) => Buffer.from(hex, 'hex');

/** The fixture: one command list per key. expected_records.jsonl is written from these values. */
export const FIXTURE = [
  ['SET', 'cat:string:greeting', 'hello, airbyte'],
  ['SET', 'cat:string:counter', '42'],
  ['SET', 'cat:string:unicode', 'h\u00e9llo \u2713'],
  ['SET', 'cat:string:binary', bin('fffe0001')],
  ['SET', 'cat:string:expiring', 'soon gone', 'EX', String(TTL_SECONDS)],
  ['HSET', 'cat:hash:user:1', 'name', 'Ada', 'email', 'ada@example.com', 'visits', '3'],
  ['HSET', 'cat:hash:user:2', 'name', 'Grace', 'avatar', bin('89504e470d0a1a0a')],
  ['RPUSH', 'cat:list:queue', 'job-1', 'job-2', 'job-3'],
  ['SADD', 'cat:set:tags', 'redis', 'airbyte', 'etl'],
  ['ZADD', 'cat:zset:leaderboard', '10', 'alice', '7.5', 'bob', '+inf', 'carol', '-inf', 'dave'],
  ['XADD', 'cat:stream:orders', '1700000000000-1', 'order_id', 'o-1', 'amount', '10'],
  ['XADD', 'cat:stream:orders', '1700000000000-2', 'order_id', 'o-2', 'amount', '20'],
  ['XADD', 'cat:stream:orders', '1700000000000-3', 'order_id', 'o-3', 'amount', '30'],
  ['XADD', 'cat:stream:orders', '1700000000000-4', 'order_id', 'o-4', 'amount', '40'],
  ['XADD', 'cat:stream:orders', '1700000000000-5', 'order_id', 'o-5', 'amount', '50'],
  ['XADD', 'cat:stream:events', '1700000001000-1', 'kind', 'login', 'user', 'ada'],
  ['XADD', 'cat:stream:events', '1700000001000-2', 'kind', 'logout', 'user', 'ada'],
  ['XADD', 'cat:stream:events', '1700000001000-3', 'kind', 'login', 'user', 'grace'],
];

export const FIXTURE_KEYS = [...new Set(FIXTURE.map((c) => c[1]))];

function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one RESP reply at `at`; returns [value, next offset] or null when more bytes are needed. */
function parseReply(buf, at) {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const head = buf.toString('utf8', at + 1, eol);
  const type = String.fromCharCode(buf[at]);
  if (type === '+' || type === ':') return [head, eol + 2];
  if (type === '-') return [new Error(head), eol + 2];
  if (type === '$') {
    const n = Number(head);
    if (n < 0) return [null, eol + 2];
    if (buf.length < eol + 2 + n + 2) return null;
    return [buf.subarray(eol + 2, eol + 2 + n), eol + 2 + n + 2];
  }
  if (type === '*') {
    const items = [];
    let pos = eol + 2;
    for (let i = 0; i < Number(head); i++) {
      const r = parseReply(buf, pos);
      if (!r) return null;
      items.push(r[0]);
      pos = r[1];
    }
    return [items, pos];
  }
  throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
}

/** Sends the commands as one pipeline and resolves with their replies, in order. */
export function pipeline(target, commands) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    let buf = Buffer.alloc(0);
    const replies = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no reply from ${target.host}:${target.port}`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat(commands.map(encode))));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      let r;
      while (replies.length < commands.length && (r = parseReply(buf, 0))) {
        replies.push(r[0]);
        buf = buf.subarray(r[1]);
      }
      if (replies.length === commands.length) {
        socket.end();
        resolve(replies);
      }
    });
  });
}

export async function seed(config, { remove = false } = {}) {
  const target = { host: config.host, port: Number(config.port ?? 6379) };
  const prelude = [];
  if (config.password) prelude.push(config.username ? ['AUTH', config.username, config.password] : ['AUTH', config.password]);
  prelude.push(['SELECT', String(config.db ?? 0)]);
  const commands = [...prelude, ['DEL', ...FIXTURE_KEYS], ...(remove ? [] : FIXTURE)];
  const replies = await pipeline(target, commands);
  const failed = replies.findIndex((r) => r instanceof Error);
  if (failed >= 0) throw new Error(`${commands[failed][0]} failed: ${replies[failed].message}`);
  return FIXTURE_KEYS.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, flag] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: seed-fixtures.mjs <config.json> [--delete]\n');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(path, 'utf8'));
  seed(config, { remove: flag === '--delete' }).then(
    (n) => process.stdout.write(`${flag === '--delete' ? 'deleted' : 'seeded'} ${n} fixture keys at ${config.host}:${config.port ?? 6379}\n`),
    (e) => {
      process.stderr.write(`seed-fixtures: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
