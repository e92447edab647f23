// Issue 2, "it must show" 2: a full read of all eight tables emits every key and element exactly once with
// its exact bytes, every stdout line is a protocol message, and every record validates against its schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TABLES, catalogFor, type CliResult, jsonFiles, records, runCli, states, traces } from './harness/cli.js';
import { protocolProblems, recordValidator } from './harness/protocol.js';
import { type RedisInstance, startRedis } from './harness/redis-server.js';
import { seedEveryType } from './harness/seed.js';
import { enc, pk, readTruth, type Truth } from './harness/truth.js';

let redis: RedisInstance;
let read: CliResult;
let truth: Truth;
let schemas: Record<string, object>;

const bytesOf = (rec: any, column: string): Buffer =>
  (rec.data.base64_columns ?? []).includes(column) ? Buffer.from(rec.data[column], 'base64') : Buffer.from(rec.data[column], 'utf8');

/** Rows keyed by primary key; a key seen twice fails the test (exactly once). */
function byKey(rows: any[], key: (r: any) => string): Map<string, any> {
  const out = new Map<string, any>();
  for (const r of rows) {
    const k = key(r);
    expect(out.has(k), `duplicate row ${k}`).toBe(false);
    out.set(k, r);
  }
  return out;
}

beforeAll(async () => {
  redis = await startRedis();
  await seedEveryType(redis.port);
  truth = await readTruth(redis.port);
  const files = jsonFiles({
    'config.json': { host: redis.host, port: redis.port, batch_size: 100 },
    'catalog.json': catalogFor(ALL_TABLES, 'incremental'),
  });
  const discover = await runCli(['discover', '--config', files['config.json']]);
  schemas = Object.fromEntries(discover.messages[0].catalog.streams.map((s: any) => [s.name, s.json_schema]));
  read = await runCli(['read', '--config', files['config.json'], '--catalog', files['catalog.json']]);
});

afterAll(async () => {
  await redis?.stop();
});

describe('full read of every table', () => {
  it('exits 0 and prints only valid protocol messages', () => {
    expect(read.stderr).toBe('');
    expect(protocolProblems(read.lines)).toEqual([]);
    expect(read.code).toBe(0);
  });

  it('validates every record against its stream schema', () => {
    const validators = Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, recordValidator(s)]));
    for (const rec of records(read)) {
      const validate = validators[rec.stream];
      expect(validate(rec.data), `${rec.stream}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('keys: every key once with its type', () => {
    const rows = byKey(records(read, 'keys'), (r) => pk(r.data.key_name));
    expect(new Set(rows.keys())).toEqual(new Set(truth.keys.keys()));
    for (const [k, type] of truth.keys) expect(rows.get(k).data.key_type).toBe(type);
    expect(rows.get(pk('str:ttl')).data.ttl_seconds).toBeGreaterThan(4900);
    expect(rows.get(pk('str:plain')).data.ttl_seconds).toBeNull();
    expect(rows.get(pk('hash:big')).data.memory_bytes).toBeGreaterThan(1000);
  });

  it('strings: exact bytes, lengths and TTLs', () => {
    const rows = byKey(records(read, 'strings'), (r) => pk(r.data.key_name));
    expect(new Set(rows.keys())).toEqual(new Set(truth.strings.keys()));
    for (const [k, value] of truth.strings) {
      const rec = rows.get(k);
      expect(bytesOf(rec, 'value').equals(value), k).toBe(true);
      expect(rec.data.value_length).toBe(value.length);
    }
    const binary = rows.get(pk('str:binary'));
    expect(binary.data.base64_columns).toEqual(['value']);
    expect(rows.get(pk('str:empty')).data.value).toBe('');
    expect(rows.get(pk('str:unicode:ключ🔑')).data.value).toBe('значение ✓ 日本語');
    expect([...rows.values()].some((r) => r.data.base64_columns?.includes('key_name'))).toBe(true);
  });

  it('hashes: every field once, including a hash larger than batch_size', () => {
    const rows = byKey(records(read, 'hashes'), (r) => pk(r.data.key_name, r.data.field));
    expect(new Set(rows.keys())).toEqual(new Set(truth.hashes.keys()));
    for (const [k, value] of truth.hashes) expect(bytesOf(rows.get(k), 'value').equals(value), k).toBe(true);
    expect([...rows.keys()].filter((k) => k.startsWith('["hash:big"')).length).toBe(2500);
  });

  it('lists: every element with its index and the list length', () => {
    const rows = byKey(records(read, 'lists'), (r) => pk(r.data.key_name, r.data.list_index));
    expect(new Set(rows.keys())).toEqual(new Set(truth.lists.keys()));
    for (const [k, value] of truth.lists) expect(bytesOf(rows.get(k), 'value').equals(value), k).toBe(true);
    expect(rows.get(pk('list:big', 2499)).data.list_length).toBe(2500);
  });

  it('sets: every member once with the cardinality', () => {
    const rows = byKey(records(read, 'sets'), (r) => pk(r.data.key_name, r.data.member));
    expect(new Set(rows.keys())).toEqual(new Set(truth.sets.keys()));
    for (const [k, member] of truth.sets) expect(bytesOf(rows.get(k), 'member').equals(member)).toBe(true);
    expect(rows.get(pk('set:small', 'm1')).data.set_cardinality).toBe(4);
  });

  it('sorted_sets: scores, ranks, and infinite scores as null with meta.changes', () => {
    const rows = byKey(records(read, 'sorted_sets'), (r) => pk(r.data.key_name, r.data.member));
    expect(new Set(rows.keys())).toEqual(new Set(truth.sorted_sets.keys()));
    for (const [k, { score, rank }] of truth.sorted_sets) {
      const rec = rows.get(k);
      expect(rec.data.rank, k).toBe(rank);
      if (/inf/.test(score)) {
        expect(rec.data.score).toBeNull();
        expect(rec.meta.changes).toEqual([{ field: 'score', change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' }]);
      } else {
        expect(rec.data.score, k).toBe(Number(score));
      }
    }
    expect(rows.get(pk('zset:small', 'bottom')).data.rank).toBe(0);
  });

  it('streams: every entry once, 1-10 after 1-2, fields exact (duplicates and binary too)', () => {
    const recs = records(read, 'streams');
    const rows = byKey(recs, (r) => pk(r.data.key_name, r.data.entry_id));
    expect(new Set(rows.keys())).toEqual(new Set(truth.streams.keys()));
    for (const [k, pairs] of truth.streams) {
      const rec = rows.get(k);
      const b64 = (rec.data.base64_columns ?? []).includes('fields');
      const expected = [];
      for (let i = 0; i < pairs.length; i += 2) {
        const [f, v] = b64 ? [pairs[i].toString('base64'), pairs[i + 1].toString('base64')] : [pairs[i].toString(), pairs[i + 1].toString()];
        expected.push(`${JSON.stringify(f)}:${JSON.stringify(v)}`);
      }
      expect(rec.data.fields, k).toBe(`{${expected.join(',')}}`);
    }
    const ids = recs.filter((r) => r.data.key_name === 'stream:ids').map((r) => r.data.entry_id);
    expect(ids).toEqual(['1-2', '1-10']);
    expect(rows.get(pk('stream:ids', '1-10')).data).toMatchObject({ timestamp_ms: 1, sequence: 10 });
    expect(rows.get(pk('stream:dup', '7-1')).data.fields).toBe('{"a":"1","a":"2"}');
  });

  it('server_info: every section the server offers, values as printed', () => {
    const rows = records(read, 'server_info');
    const sections = new Set(rows.map((r) => r.data.section));
    for (const s of ['server', 'clients', 'memory', 'stats', 'keyspace', 'commandstats']) expect(sections.has(s), s).toBe(true);
    const version = rows.find((r) => r.data.property === 'redis_version');
    expect(version.data.value).toMatch(/^\d+\.\d+\.\d+$/);
    byKey(rows, (r) => pk(r.data.section, r.data.property));
  });

  it('emits STARTED, RUNNING, COMPLETE and a STREAM state with recordCount for every stream', () => {
    for (const name of ALL_TABLES) {
      const statuses = traces(read, 'STREAM_STATUS')
        .filter((t) => t.trace.stream_status.stream_descriptor.name === name)
        .map((t) => t.trace.stream_status.status);
      expect(statuses, name).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      const st = states(read, name);
      expect(st.length, name).toBeGreaterThan(0);
      const counted = st.reduce((n, s) => n + s.state.sourceStats.recordCount, 0);
      expect(counted, name).toBe(records(read, name).length);
    }
    expect(states(read, 'streams').pop().state.stream.stream_state.last_entry_ids).toMatchObject({
      'stream:ids': '1-10',
      'stream:big': '100-300',
      [enc(Buffer.from('stream:binary'))]: '5-0',
    });
  });
});
