// Generated hostile config, catalog and state files thrown at the CLI (fixed seed, bounded count).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogFor, jsonFiles, runCli } from '../harness/cli.js';
import { protocolProblems } from '../harness/protocol.js';
import { type RedisInstance, startRedis } from '../harness/redis-server.js';

const SECRET = 'hunter2-SECRET-x9';
let redis: RedisInstance;
beforeAll(async () => (redis = await startRedis()));
afterAll(async () => redis?.stop());

/** mulberry32: the same cases on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261126);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
const deep = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n));

const WEIRD: unknown[] = ['not json {', '', '[]', 'null', '42', '"str"', '1e999', deep(500), { a: deep(100) }, [1, 2], true, -1, 2 ** 80, 'x'.repeat(5000)];
const FIELDS = ['host', 'port', 'db', 'batch_size', 'ssl', 'key_pattern', 'table_options', 'max_retries', 'command_timeout_seconds', 'max_value_bytes', 'deployment', 'tls'];

type Case = { name: string; verb: 'check' | 'read' | 'discover'; files: Record<string, unknown>; accept?: boolean; names?: string };
const good = () => ({ host: '127.0.0.1', port: redis.port, password: SECRET, batch_size: 10 });

function cases(): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 14; i++) {
    const field = pick(FIELDS);
    const value = pick(WEIRD);
    const config = typeof value === 'string' && i % 3 === 0 ? value : { ...good(), [field]: value };
    const names = typeof config === 'object' ? field : undefined;
    out.push({ name: `config ${field}=${JSON.stringify(value)?.slice(0, 20)}`, verb: pick(['check', 'read', 'discover']), files: { config }, names });
  }
  const streamsPool = ['keys', 'strings', 'nope', 'streams', '\u0000bin\ud800', 'hashes'];
  for (let i = 0; i < 8; i++) {
    const names = [pick(streamsPool), pick(streamsPool), pick(streamsPool)];
    const catalog = i % 4 === 0 ? pick(WEIRD) : { streams: names.map((n) => ({ stream: { name: n }, sync_mode: pick(['full_refresh', 'incremental', 7]), destination_sync_mode: 'append' })) };
    out.push({ name: `catalog ${JSON.stringify(names)}`, verb: 'read', files: { config: good(), catalog } });
  }
  const entry = (name: string) => ({ stream: { name }, sync_mode: 'full_refresh', destination_sync_mode: 'append' });
  out.push({ name: 'catalog duplicate', verb: 'read', files: { config: good(), catalog: { streams: [entry('keys'), entry('keys')] } }, names: 'keys' });
  out.push({ name: 'catalog unknown', verb: 'read', files: { config: good(), catalog: { streams: [entry('keys'), entry('users')] } }, names: 'users' });
  const st = (name: string, blob: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: blob } });
  const states: [unknown, boolean][] = [
    ['not json', false],
    [[{ type: 'GLOBAL', global: { shared_state: {} } }], false],
    [{ type: 'LEGACY', data: { keys: { scan: { standalone: { cursor: '0' } } } } }, true],
    [[st('hashes', { scan: { standalone: { cursor: '1'.repeat(25) } } })], false],
    [[st('lists', { scan: { standalone: { cursor: '0', key: 'k', position: 'abc' } } })], false],
    [[st('streams', { last_entry_ids: { ['b64:' + Buffer.from([0xff, 0]).toString('base64')]: '1-0', '\ud800': '2-0' } })], true],
    [[st('streams', { last_entry_ids: { k: 12 } })], false],
    [[st('not_in_catalog', { x: 1 }), st('sets', { scan: { standalone: { cursor: '0' } } })], true],
    [[st('sets', deep(200))], false],
    [[{ type: 'STREAM', stream: 5 }], false],
  ];
  for (const [state, accept] of states) {
    out.push({ name: `state ${JSON.stringify(state).slice(0, 50)}`, verb: 'read', files: { config: good(), catalog: catalogFor(['keys', 'hashes', 'lists', 'sets', 'streams']), state }, accept });
  }
  return out;
}

it('every hostile input gets the protocol answer, a clean message, the expected exit code and no secret', async () => {
  const all = cases();
  expect(all.length).toBeGreaterThanOrEqual(30);
  for (const c of all) {
    const f = jsonFiles(c.files);
    const args = [c.verb, '--config', f.config];
    if (c.verb === 'read') args.push('--catalog', f.catalog ?? jsonFiles({ c: catalogFor(['keys']) }).c);
    if (f.state) args.push('--state', f.state);
    const r = await runCli(args, { timeoutMs: 30_000 });
    const where = `${c.name} → ${r.stdout.slice(-400)}`;
    expect(protocolProblems(r.lines), where).toEqual([]);
    expect(r.stdout + r.stderr, where).not.toContain(SECRET);
    const texts = r.messages.map((m) => m.log?.message ?? m.trace?.error?.message ?? m.connectionStatus?.message).filter(Boolean);
    for (const t of texts) expect(t, where).not.toMatch(/\n\s+at /);
    const errors = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    const statuses = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    if (c.verb === 'check' && statuses.length > 0) {
      // One CONNECTION_STATUS; a config error may come with its ERROR trace first, as the Python CDK does.
      expect(statuses, where).toHaveLength(1);
      expect(errors.length, where).toBeLessThanOrEqual(1);
      for (const e of errors) expect(e.trace.error.failure_type, where).toBe('config_error');
      expect(r.code, where).toBe(0);
      if (c.names && statuses[0].connectionStatus.status === 'FAILED' && /Invalid config|nests/.test(statuses[0].connectionStatus.message)) {
        expect(statuses[0].connectionStatus.message, where).toContain(c.names);
      }
    } else if (c.verb === 'check') {
      // A config file that is not JSON at all: one config_error TRACE, exit 1 (the project's choice).
      expect(errors, where).toHaveLength(1);
      expect(errors[0].trace.error.failure_type, where).toBe('config_error');
      expect(r.code, where).toBe(1);
    } else if (c.accept) {
      expect(errors, where).toEqual([]);
      expect(r.code, where).toBe(0);
    } else if (r.code !== 0) {
      // Refused: exactly one answer, a config error without a stack.
      expect(errors, where).toHaveLength(1);
      // A valid config that points nowhere (port 42) is a transient connection failure, not bad input.
      const allowed = c.name.startsWith('config') ? ['config_error', 'transient_error'] : ['config_error'];
      expect(allowed, where).toContain(errors[0].trace.error.failure_type);
      if (c.names && errors[0].trace.error.failure_type === 'config_error') expect(errors[0].trace.error.message, where).toContain(c.names);
      expect(errors[0].trace.error.stack_trace, where).toBeUndefined();
    } else {
      // A generated input that happens to be valid (e.g. an unknown value the spec allows) reads normally.
      expect(errors, where).toEqual([]);
    }
  }
}, 300_000);
