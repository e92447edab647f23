// What Redis holds, read independently of the connector (whole-key commands, no windows, no SCAN TYPE),
// as the rows the connector should emit, keyed by primary key.
import { isUtf8 } from 'node:buffer';
import { Redis } from 'ioredis';

export const enc = (b: Buffer) => (isUtf8(b) ? b.toString('utf8') : b.toString('base64'));

export interface Truth {
  keys: Map<string, string>;
  strings: Map<string, Buffer>;
  hashes: Map<string, Buffer>;
  lists: Map<string, Buffer>;
  sets: Map<string, Buffer>;
  sorted_sets: Map<string, { score: string; rank: number }>;
  streams: Map<string, Buffer[]>;
}

export const pk = (...parts: (string | number)[]) => JSON.stringify(parts);

export async function readTruth(port: number, pattern = '*'): Promise<Truth> {
  const r = new Redis({ port, host: '127.0.0.1' });
  const t: Truth = { keys: new Map(), strings: new Map(), hashes: new Map(), lists: new Map(), sets: new Map(), sorted_sets: new Map(), streams: new Map() };
  const all = (await r.keysBuffer(pattern)) as Buffer[];
  for (const key of all) {
    const k = enc(key);
    const type = await r.type(key);
    t.keys.set(pk(k), type);
    if (type === 'string') t.strings.set(pk(k), (await r.getBuffer(key))!);
    if (type === 'hash') {
      // HKEYS and HVALS answer in the same order; HGETALL would go through ioredis' object transform.
      const fields = await r.hkeysBuffer(key);
      const values = await r.hvalsBuffer(key);
      fields.forEach((f, i) => t.hashes.set(pk(k, enc(f)), values[i]));
    }
    if (type === 'list') (await r.lrangeBuffer(key, 0, -1)).forEach((v, i) => t.lists.set(pk(k, i), v));
    if (type === 'set') for (const m of await r.smembersBuffer(key)) t.sets.set(pk(k, enc(m)), m);
    if (type === 'zset') {
      const flat = (await r.callBuffer('zrange', key, 0, -1, 'WITHSCORES')) as Buffer[];
      for (let i = 0; i < flat.length; i += 2) t.sorted_sets.set(pk(k, enc(flat[i])), { score: flat[i + 1].toString(), rank: i / 2 });
    }
    if (type === 'stream') {
      for (const [id, pairs] of (await r.callBuffer('xrange', key, '-', '+')) as [Buffer, Buffer[]][]) {
        t.streams.set(pk(k, id.toString()), pairs);
      }
    }
  }
  r.disconnect();
  return t;
}
