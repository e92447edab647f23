import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisInstance, startRedis } from '../../integration_tests/harness/redis-server.js';
import { ConfigError, TransientError } from '../protocol/errors.js';
import { backoffDelay, retryable, retryingStep } from './retry.js';

describe('backoffDelay', () => {
  it('grows exponentially with equal jitter and stays under the cap', () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, { ...policy, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...policy, random: () => 1 })).toBe(100);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(600);
    for (let a = 0; a < 20; a++) expect(backoffDelay(a, policy)).toBeLessThanOrEqual(1000);
  });
});

describe('retryable', () => {
  it('retries connection failures and timeouts, never config errors or replies about data', () => {
    expect(retryable(new Error('Connection is closed.'))).toBe(true);
    expect(retryable(new Error('Command timed out'))).toBe(true);
    expect(retryable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(retryable(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(retryable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(retryable(new ConfigError('Connection is closed.'))).toBe(false);
  });
});

describe('retryingStep against a real server', () => {
  let server: RedisInstance;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await client.connect();
    await client.select(2);
    await client.set('where', 'db2');
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  const config = (maxRetries: number) => ({ max_retries: maxRetries, connect_timeout_seconds: 2, command_timeout_seconds: 1, host: '127.0.0.1', port: server.port, db: 2 });

  it('reconnects a killed client into the configured db and goes on', async () => {
    const logs: string[] = [];
    const step = retryingStep({ connection: { spaces: [{ id: 's', client }], primary: client }, config: config(3), log: (m) => void logs.push(m), policy: { baseDelayMs: 10 } });
    const other = new Redis({ port: server.port, host: '127.0.0.1' });
    await other.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    other.disconnect();
    expect(await step('GET', () => client.get('where'))).toBe('db2');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/GET failed .*retry 1 of 3/);
  });

  it('gives up after max_retries with a TransientError naming the step; other errors pass through at once', async () => {
    const step = retryingStep({ connection: { spaces: [{ id: 's', client }], primary: client }, config: config(2), log: () => undefined, policy: { baseDelayMs: 10 } });
    let calls = 0;
    const failing = step('SCAN', async () => {
      calls++;
      throw new Error('Connection is closed.');
    });
    await expect(failing).rejects.toBeInstanceOf(TransientError);
    await expect(failing).rejects.toThrow(/did not answer SCAN after 3 attempts/);
    expect(calls).toBe(3);
    calls = 0;
    await expect(step('GET', async () => (calls++, Promise.reject(new Error('WRONGTYPE x'))))).rejects.toThrow(/WRONGTYPE/);
    expect(calls).toBe(1);
  });
});
