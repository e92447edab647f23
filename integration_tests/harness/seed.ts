// Sample data of every Redis type, including the awkward cases: binary and unicode keys and values, empty
// strings, TTLs, collections larger than a batch, infinite scores, stream IDs 1-2 and 1-10.
import { Redis } from 'ioredis';

export const BIN = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
export const BIN_KEY = Buffer.concat([Buffer.from('bin:'), Buffer.from([0xc3, 0x28, 0x00])]);

export async function seedEveryType(port: number, opts: { big?: number } = {}): Promise<void> {
  const big = opts.big ?? 2500;
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await r.connect();
  const p = r.pipeline();
  p.set('str:plain', 'hello');
  p.set('str:empty', '');
  p.set('str:unicode:ключ🔑', 'значение ✓ 日本語');
  p.set('str:binary', BIN);
  p.set(BIN_KEY, 'binary key, text value');
  p.set('str:ttl', 'expiring', 'EX', 5000);
  p.set('str:json-looking', '{"a": 1}');
  p.hset('hash:small', 'f1', 'v1', 'f2', '', 'ключ', 'значение', Buffer.from([0xfe, 0x01]), BIN);
  const fields: string[] = [];
  for (let i = 0; i < big; i++) fields.push(`field:${i}`, `value:${i}`);
  p.hset('hash:big', ...fields);
  p.expire('hash:big', 9000);
  p.rpush('list:small', 'a', '', 'a', BIN, 'ü');
  const elems: string[] = [];
  for (let i = 0; i < big; i++) elems.push(`e${i}`);
  p.rpush('list:big', ...elems);
  p.sadd('set:small', 'm1', '', 'ünï', BIN);
  p.sadd('set:big', ...elems);
  p.zadd('zset:small', 1, 'one', 2.5, 'two-and-half', 'inf', 'top', '-inf', 'bottom', 0, BIN, -3.25e-7, 'tiny');
  const zargs: (string | number)[] = [];
  for (let i = 0; i < big; i++) zargs.push(i % 17, `z${i}`);
  p.zadd('zset:big', ...zargs);
  p.xadd('stream:ids', '1-2', 'f', 'v1');
  p.xadd('stream:ids', '1-10', 'f', 'v2', 'g', 'ünï');
  p.xadd('stream:binary', '5-0', 'bin', BIN);
  p.xadd('stream:dup', '7-1', 'a', '1', 'a', '2');
  for (let i = 1; i <= 300; i++) p.xadd('stream:big', `100-${i}`, 'n', String(i));
  await p.exec();
  r.disconnect();
}
