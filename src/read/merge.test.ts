import { describe, expect, it } from 'vitest';
import { mergeEvents } from './merge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mergeEvents', () => {
  it('runs sources concurrently, keeps each source in order, and yields every event once', async () => {
    let active = 0;
    let maxActive = 0;
    const source = (name: string, n: number, ms: number) => async function* () {
      for (let i = 0; i < n; i++) {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(ms);
        active--;
        yield `${name}${i}`;
      }
    };
    const started = Date.now();
    const got: [number, string][] = [];
    for await (const e of mergeEvents([source('a', 5, 20), source('b', 5, 20), source('c', 5, 20)])) got.push(e);
    // Three sources of 5 x 20 ms run side by side (~100 ms), not one after another (~300 ms).
    expect(Date.now() - started).toBeLessThan(250);
    expect(maxActive).toBe(3);
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      expect(got.filter(([j]) => j === i).map(([, v]) => v)).toEqual([0, 1, 2, 3, 4].map((k) => `${name}${k}`));
    }
  });

  it('asks a source for its next event only after its previous one was taken', async () => {
    const produced: string[] = [];
    const source = async function* () {
      for (let i = 0; i < 10; i++) {
        produced.push(`x${i}`);
        yield i;
      }
    };
    const merged = mergeEvents([source]);
    await merged.next();
    await sleep(20);
    expect(produced).toEqual(['x0']);
    await merged.return(undefined);
  });

  it('starts at most `limit` sources at once', async () => {
    let running = 0;
    let most = 0;
    const source = () => async function* () {
      running++;
      most = Math.max(most, running);
      await sleep(5);
      yield 1;
      running--;
    };
    const all: unknown[] = [];
    for await (const e of mergeEvents(Array.from({ length: 6 }, source), 2)) all.push(e);
    expect(all).toHaveLength(6);
    expect(most).toBe(2);
  });

  it('throws the first failure and stops the other sources', async () => {
    let stopped = false;
    const slow = async function* () {
      try {
        for (;;) {
          await sleep(5);
          yield 'slow';
        }
      } finally {
        stopped = true;
      }
    };
    const failing = async function* () {
      await sleep(12);
      yield 'once';
      throw new Error('node down');
    };
    const seen: unknown[] = [];
    await expect(async () => {
      for await (const e of mergeEvents([slow, failing])) seen.push(e);
    }).rejects.toThrow('node down');
    expect(stopped).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
  });
});
