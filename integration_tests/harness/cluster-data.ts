// Cluster and Sentinel tests: data of every type (unicode and binary), written through any client, and an independent view of what servers hold.
import type { Redis } from 'ioredis';

type Writer = { callBuffer(...args: (string | number | Buffer)[]): Promise<unknown> };

const bin = (...bytes: number[]) => Buffer.from(bytes);
const k = (s: string, i: number) => Buffer.from(`${s}:${i}:ключ🚀`);

/** n of each type, plus one large hash, list, set, zset and stream (windows), written through `w`. */
export async function seed(w: Writer, n: number, prefix = ''): Promise<number> {
  const p = (b: Buffer) => Buffer.concat([Buffer.from(prefix), b]);
  let keys = 0;
  for (let i = 0; i < n; i++) {
    await w.callBuffer('set', p(k('s', i)), `value ${i} é 🚀`);
    await w.callBuffer('set', p(Buffer.concat([bin(0xff, 0x00, 0xfe), Buffer.from(String(i))])), bin(0x00, 0xc3, 0x28, i & 255));
    await w.callBuffer('hset', p(k('h', i)), 'f1', `v${i}`, bin(0xc0, 0xaf), bin(0xff, i & 255), 'ünï', '');
    await w.callBuffer('rpush', p(k('l', i)), 'a', bin(0x80, 0x81), `x${i}`, 'a');
    await w.callBuffer('sadd', p(k('set', i)), 'm1', bin(0xfe, i & 255), 'ñ');
    await w.callBuffer('zadd', p(k('z', i)), 1.5, 'one', -2, bin(0xef, 0xbb), i, `n${i}`);
    await w.callBuffer('xadd', p(k('x', i)), `${i + 1}-1`, 'f', 'v', 'bin', bin(0xff));
    await w.callBuffer('xadd', p(k('x', i)), `${i + 1}-2`, 'ü', '🚀');
    keys += 7;
  }
  const big = (s: string) => p(Buffer.from(`big:${s}`));
  for (let j = 0; j < 60; j++) {
    await w.callBuffer('hset', big('hash'), `field${j}`, `v${j}`);
    await w.callBuffer('rpush', big('list'), `e${j}`);
    await w.callBuffer('sadd', big('set'), `m${j}`);
    await w.callBuffer('zadd', big('zset'), j, `m${j}`);
    await w.callBuffer('xadd', big('stream'), `${j + 1}-0`, 'j', String(j));
  }
  return keys + 5;
}

/** table -> primary key -> canonical row (bytes as hex). */
export type Tables = Map<string, Map<string, string>>;

const hex = (b: Buffer) => b.toString('hex');

function put(t: Tables, table: string, pk: string, row: unknown) {
  if (!t.has(table)) t.set(table, new Map());
  t.get(table)!.set(pk, JSON.stringify(row));
}

/** What the servers hold, read with plain commands (KEYS, HGETALL, LRANGE...) on each given node. */
export async function dump(clients: Redis[]): Promise<Tables> {
  const t: Tables = new Map();
  for (const c of clients) {
    for (const key of (await c.callBuffer('keys', '*')) as Buffer[]) {
      const kh = hex(key);
      const type = String(await c.callBuffer('type', key));
      put(t, 'keys', kh, { type });
      if (type === 'string') put(t, 'strings', kh, { value: hex((await c.callBuffer('get', key)) as Buffer) });
      if (type === 'hash') {
        // HKEYS + HGET: ioredis turns HGETALL replies into objects, which would corrupt binary field names.
        for (const f of (await c.callBuffer('hkeys', key)) as Buffer[]) {
          put(t, 'hashes', `${kh}|${hex(f)}`, { value: hex((await c.callBuffer('hget', key, f)) as Buffer) });
        }
      }
      if (type === 'list') {
        ((await c.callBuffer('lrange', key, 0, -1)) as Buffer[]).forEach((v, i) => put(t, 'lists', `${kh}|${i}`, { value: hex(v) }));
      }
      if (type === 'set') for (const m of (await c.callBuffer('smembers', key)) as Buffer[]) put(t, 'sets', `${kh}|${hex(m)}`, {});
      if (type === 'zset') {
        const ms = (await c.callBuffer('zrange', key, 0, -1, 'WITHSCORES')) as Buffer[];
        for (let i = 0; i < ms.length; i += 2) put(t, 'sorted_sets', `${kh}|${hex(ms[i])}`, { score: Number(String(ms[i + 1])) });
      }
      if (type === 'stream') {
        for (const [id, pairs] of (await c.callBuffer('xrange', key, '-', '+')) as [Buffer, Buffer[]][]) {
          put(t, 'streams', `${kh}|${id}`, { fields: pairs.map(hex) });
        }
      }
    }
  }
  return t;
}

const bytesOf = (r: any, col: string): Buffer =>
  Buffer.from(r.data[col], (r.data.base64_columns ?? []).includes(col) ? 'base64' : 'utf8');

/** The CLI's records in the same canonical form; `dupes` lists primary keys emitted more than once. */
export function canonical(records: any[]): { tables: Tables; dupes: string[] } {
  const t: Tables = new Map();
  const dupes: string[] = [];
  for (const r of records) {
    const table = r.stream;
    if (table === 'server_info') continue;
    const kh = hex(bytesOf(r, 'key_name'));
    let pk = kh;
    let row: unknown;
    if (table === 'keys') row = { type: r.data.key_type };
    else if (table === 'strings') row = { value: hex(bytesOf(r, 'value')) };
    else if (table === 'hashes') (pk = `${kh}|${hex(bytesOf(r, 'field'))}`), (row = { value: hex(bytesOf(r, 'value')) });
    else if (table === 'lists') (pk = `${kh}|${r.data.list_index}`), (row = { value: hex(bytesOf(r, 'value')) });
    else if (table === 'sets') (pk = `${kh}|${hex(bytesOf(r, 'member'))}`), (row = {});
    else if (table === 'sorted_sets') (pk = `${kh}|${hex(bytesOf(r, 'member'))}`), (row = { score: r.data.score });
    else if (table === 'streams') {
      pk = `${kh}|${r.data.entry_id}`;
      const b64 = (r.data.base64_columns ?? []).includes('fields');
      const pairs = Object.entries(JSON.parse(r.data.fields) as Record<string, string>).flat();
      row = { fields: pairs.map((s) => hex(Buffer.from(s, b64 ? 'base64' : 'utf8'))) };
    }
    if (t.get(table)?.has(pk)) dupes.push(`${table} ${pk}`);
    put(t, table, pk, row);
  }
  return { tables: t, dupes };
}

/** Differences between two canonical views, at most `max` lines (empty when equal). */
export function diff(expected: Tables, actual: Tables, max = 10): string[] {
  const out: string[] = [];
  for (const table of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(table) ?? new Map();
    const a = actual.get(table) ?? new Map();
    for (const [pk, row] of e) if (a.get(pk) !== row) out.push(`${table} ${pk}: expected ${row}, got ${a.get(pk)}`);
    for (const pk of a.keys()) if (!e.has(pk)) out.push(`${table} ${pk}: not on the servers`);
  }
  return out.slice(0, max);
}
