// One key of every type with unicode and binary bytes, and what the eight tables must hold for it, exactly.
import { isUtf8 } from 'node:buffer';
import { Redis } from 'ioredis';
import { ALL_TABLES, type CliResult, records } from './cli.js';

const BIN = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
const BIN_KEY = Buffer.concat([Buffer.from('bin:'), Buffer.from([0xc3, 0x28, 0x00])]);
const b = (s: string) => Buffer.from(s, 'utf8');

const STRINGS: [Buffer, Buffer][] = [
  [b('str:ascii'), b('hello')],
  [b('str:unicode'), b('héllo wörld ✓ 日本 🚀')],
  [BIN_KEY, BIN],
  [b('str:empty'), b('')],
];
const HASH: [Buffer, Buffer][] = [
  [b('name'), b('Zoë')],
  [b('字段'), b('värde')],
  [BIN, BIN],
];
const LIST = [b('first'), b('ü'), BIN, b('first')];
const SET = [b('a'), b('ß'), BIN];
const ZSET: [number, Buffer][] = [
  [-3, BIN],
  [1, b('a')],
  [2.5, b('ü')],
];
const STREAM: [string, Buffer[]][] = [
  ['1-1', [b('k'), b('v'), b('ü'), b('✓')]],
  ['2-1', [b('bin'), BIN]],
];

/** Writes the data set to a server the test started (through its own plain, password-less door). */
export async function seedDataset(port: number, auth: { username?: string; password?: string } = {}): Promise<void> {
  const r = new Redis({ host: '127.0.0.1', port, ...auth, lazyConnect: true });
  await r.connect();
  try {
    await r.flushall();
    for (const [k, v] of STRINGS) await r.set(k, v);
    await r.expire(b('str:ascii'), 3600);
    for (const [f, v] of HASH) await r.hset(b('hash:1'), f, v);
    await r.rpush(b('list:1'), ...LIST);
    await r.sadd(b('set:1'), ...SET);
    for (const [s, m] of ZSET) await r.zadd(b('zset:1'), s, m);
    for (const [id, fields] of STREAM) await r.xadd(b('stream:1'), id, ...fields);
  } finally {
    r.disconnect();
  }
}

/** The connector's encoding, restated independently: UTF-8 as text, anything else base64 and named. */
function enc(row: Record<string, unknown>, column: string, bytes: Buffer): void {
  if (isUtf8(bytes)) row[column] = bytes.toString('utf8');
  else {
    row[column] = bytes.toString('base64');
    ((row.base64_columns as string[]) ??= []).push(column);
  }
}

function expected(): Record<string, Record<string, unknown>[]> {
  const row = (pairs: [string, Buffer | unknown][]) => {
    const r: Record<string, unknown> = {};
    for (const [c, v] of pairs) Buffer.isBuffer(v) ? enc(r, c, v) : (r[c] = v);
    return r;
  };
  const ttl = (k: Buffer) => (k.equals(b('str:ascii')) ? 'ttl' : null);
  const keyTypes: [Buffer, string][] = [
    ...STRINGS.map(([k]) => [k, 'string'] as [Buffer, string]),
    [b('hash:1'), 'hash'],
    [b('list:1'), 'list'],
    [b('set:1'), 'set'],
    [b('zset:1'), 'zset'],
    [b('stream:1'), 'stream'],
  ];
  const fieldsJson = (pairs: Buffer[]) => {
    const text = pairs.every((p) => isUtf8(p));
    const s = (p: Buffer) => JSON.stringify(text ? p.toString('utf8') : p.toString('base64'));
    const parts = [];
    for (let i = 0; i < pairs.length; i += 2) parts.push(`${s(pairs[i])}:${s(pairs[i + 1])}`);
    return { json: `{${parts.join(',')}}`, text };
  };
  return {
    keys: keyTypes.map(([k, t]) => row([['key_name', k], ['key_type', t], ['ttl_seconds', ttl(k)]])),
    strings: STRINGS.map(([k, v]) => row([['key_name', k], ['value', v], ['value_length', v.length], ['ttl_seconds', ttl(k)]])),
    hashes: HASH.map(([f, v]) => row([['key_name', b('hash:1')], ['field', f], ['value', v], ['ttl_seconds', null]])),
    lists: LIST.map((v, i) => row([['key_name', b('list:1')], ['list_index', i], ['value', v], ['list_length', LIST.length], ['ttl_seconds', null]])),
    sets: SET.map((m) => row([['key_name', b('set:1')], ['member', m], ['set_cardinality', SET.length], ['ttl_seconds', null]])),
    sorted_sets: ZSET.map(([s, m], i) =>
      row([['key_name', b('zset:1')], ['member', m], ['score', s], ['rank', i], ['zset_cardinality', ZSET.length], ['ttl_seconds', null]]),
    ),
    streams: STREAM.map(([id, pairs]) => {
      const f = fieldsJson(pairs);
      const r = row([['key_name', b('stream:1')], ['entry_id', id], ['fields', f.json], ['timestamp_ms', Number(id.split('-')[0])], ['sequence', Number(id.split('-')[1])], ['ttl_seconds', null]]);
      if (!f.text) ((r.base64_columns as string[]) ??= []).push('fields');
      return r;
    }),
  };
}

/** A record reduced to the columns the data set fixes (a positive TTL counts as 'ttl'). */
function canonical(data: Record<string, unknown>, columns: string[]): string {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = data[c];
    out[c] = c === 'ttl_seconds' && typeof v === 'number' && v > 0 && v <= 3600 ? 'ttl' : v;
  }
  if (data.base64_columns) out.base64_columns = [...(data.base64_columns as string[])].sort();
  return JSON.stringify(out);
}

export interface DatasetExpectations {
  /** Whether MEMORY USAGE and OBJECT answered (false: those keys columns are null). */
  metadata: boolean;
  /** Whether INFO answered (false: server_info has no rows). */
  info: boolean;
}

/** What differs between a read's records and the data set: every key once, exact bytes, all eight tables. */
export function datasetProblems(result: CliResult, want: DatasetExpectations = { metadata: true, info: true }): string[] {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(expected())) {
    const columns = Object.keys(rows[0]).filter((c) => c !== 'base64_columns');
    const got = records(result, table).map((r) => canonical(r.data, columns)).sort();
    const exp = rows.map((r) => canonical(r, columns)).sort();
    if (JSON.stringify(got) !== JSON.stringify(exp)) {
      problems.push(`${table}: expected ${JSON.stringify(exp)}\n got ${JSON.stringify(got)}`);
    }
  }
  for (const r of records(result, 'keys')) {
    const meta = ['memory_bytes', 'encoding', 'refcount'].map((c) => r.data[c]);
    if (want.metadata ? meta.some((v) => v === null || v === undefined) : meta.some((v) => v !== null)) {
      problems.push(`keys metadata of ${r.data.key_name}: ${JSON.stringify(meta)} (metadata expected: ${want.metadata})`);
    }
  }
  const info = records(result, 'server_info');
  const version = info.find((r) => r.data.section === 'server' && r.data.property === 'redis_version');
  if (want.info ? !version : info.length > 0) problems.push(`server_info: ${info.length} rows, redis_version ${JSON.stringify(version?.data)}`);
  const missing = ALL_TABLES.filter((t) => !result.messages.some((m) => m.type === 'TRACE' && m.trace.stream_status?.stream_descriptor?.name === t && m.trace.stream_status.status === 'COMPLETE'));
  if (missing.length > 0) problems.push(`streams not COMPLETE: ${missing.join(', ')}`);
  return problems;
}
