// A small data set of every type, and what Redis holds as rows: the truth emitted rows are compared with.
import { isUtf8 } from 'node:buffer';
import { Redis } from 'ioredis';

export const pad = (s: string, n = 60) => (s + ':' + 'x'.repeat(n)).slice(0, Math.max(n, s.length));

/** Writes `prefix`-named keys of every type, some of them large enough to be read in many windows. */
export async function seed(port: number, prefix = 'd', db = 0): Promise<void> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, db });
  r.on('error', () => undefined);
  await r.connect();
  const p = r.pipeline();
  for (let i = 0; i < 150; i++) p.set(`${prefix}:str:${i}`, pad(`v${i}`));
  for (let i = 0; i < 15; i++) {
    const n = i === 0 ? 200 : 12;
    const h: Record<string, string> = {};
    for (let f = 0; f < n; f++) h[`f${f}`] = pad(`h${i}.${f}`);
    p.hset(`${prefix}:hash:${i}`, h);
    p.rpush(`${prefix}:list:${i}`, ...Array.from({ length: n }, (_, j) => pad(`l${i}.${j}`)));
    p.sadd(`${prefix}:set:${i}`, ...Array.from({ length: n }, (_, j) => pad(`s${i}.${j}`)));
    p.zadd(`${prefix}:zset:${i}`, ...Array.from({ length: n }, (_, j) => [j, pad(`z${i}.${j}`)]).flat());
    for (let e = 0; e < n; e++) p.xadd(`${prefix}:stream:${i}`, `${1000 + e}-${i}`, 'f', pad(`e${i}.${e}`));
  }
  // A binary key name read in windows: its position inside the key is saved under a "b64:" state key.
  const bin = Buffer.concat([Buffer.from(`${prefix}:bin:`), Buffer.from([0xff, 0xfe, 0x00])]);
  p.rpush(bin, ...Array.from({ length: 120 }, (_, j) => pad(`b${j}`)));
  await p.exec();
  r.disconnect();
}

const text = (b: Buffer) => (isUtf8(b) ? b.toString('utf8') : b.toString('base64'));

/** Row identity per table, as the connector's primary key, and the value a row must carry. */
export function rowKey(stream: string, d: Record<string, any>): string {
  switch (stream) {
    case 'hashes':
      return `${stream}|${d.key_name}|${d.field}`;
    case 'lists':
      return `${stream}|${d.key_name}|${d.list_index}`;
    case 'sets':
    case 'sorted_sets':
      return `${stream}|${d.key_name}|${d.member}`;
    case 'streams':
      return `${stream}|${d.key_name}|${d.entry_id}`;
    default:
      return `${stream}|${d.key_name}`;
  }
}

export function rowValue(stream: string, d: Record<string, any>): string {
  switch (stream) {
    case 'keys':
      return String(d.key_type);
    case 'sets':
      return '';
    case 'sorted_sets':
      return String(d.score);
    case 'streams':
      return String(d.fields);
    default:
      return String(d.value);
  }
}

/** Every row Redis holds now for the key tables, read independently of the connector. */
export async function truth(port: number, pattern = '*', db = 0): Promise<Map<string, string>> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, db });
  r.on('error', () => undefined);
  await r.connect();
  const rows = new Map<string, string>();
  const add = (stream: string, d: Record<string, any>) => rows.set(rowKey(stream, d), rowValue(stream, d));
  let cursor = '0';
  do {
    const [next, keys] = await r.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next.toString();
    for (const k of keys) {
      const name = text(k);
      const type = await r.type(k);
      add('keys', { key_name: name, key_type: type });
      if (type === 'string') add('strings', { key_name: name, value: text((await r.getBuffer(k))!) });
      if (type === 'hash') {
        const flat = await r.hgetallBuffer(k);
        for (const [f, v] of Object.entries(flat)) add('hashes', { key_name: name, field: f, value: text(v) });
      }
      if (type === 'list') (await r.lrangeBuffer(k, 0, -1)).forEach((v, i) => add('lists', { key_name: name, list_index: i, value: text(v) }));
      if (type === 'set') for (const m of await r.smembersBuffer(k)) add('sets', { key_name: name, member: text(m) });
      if (type === 'zset') {
        const z = await r.zrangeBuffer(k, 0, -1, 'WITHSCORES');
        for (let i = 0; i < z.length; i += 2) add('sorted_sets', { key_name: name, member: text(z[i]), score: Number(z[i + 1].toString()) });
      }
      if (type === 'stream') {
        for (const [id, f] of await r.xrange(k, '-', '+')) {
          const obj = `{${Array.from({ length: f.length / 2 }, (_, i) => `${JSON.stringify(f[2 * i])}:${JSON.stringify(f[2 * i + 1])}`).join(',')}}`;
          add('streams', { key_name: name, entry_id: id, fields: obj });
        }
      }
    }
  } while (cursor !== '0');
  r.disconnect();
  return rows;
}

/** The rows of one or more runs, checked against the truth: what is missing, and what never existed. */
export function compare(expected: Map<string, string>, runs: { stream: string; data: Record<string, any> }[][], only?: string[]) {
  const seen = new Map<string, string>();
  const wrong: string[] = [];
  for (const records of runs) {
    for (const r of records) {
      if (r.stream === 'server_info') continue;
      const k = rowKey(r.stream, r.data);
      const v = rowValue(r.stream, r.data);
      if (expected.get(k) !== v) wrong.push(`${k} = ${v.slice(0, 40)} (expected ${expected.get(k)?.slice(0, 40)})`);
      seen.set(k, v);
    }
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k) && (!only || only.includes(k.split('|')[0])));
  return { missing, wrong, seen };
}
