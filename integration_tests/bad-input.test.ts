// Issue 2, "it must show" 4: bad input gets the protocol's answer, with a message that names the problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, type CliResult, jsonFiles, runCli, traces } from './harness/cli.js';
import { protocolProblems } from './harness/protocol.js';
import { freePort, type RedisInstance, startRedis } from './harness/redis-server.js';

const PASSWORD = 's3cret-Pa55word';
let redis: RedisInstance;

beforeAll(async () => {
  redis = await startRedis({ args: ['--requirepass', PASSWORD] });
});
afterAll(async () => {
  await redis?.stop();
});

function clean(r: CliResult) {
  expect(protocolProblems(r.lines)).toEqual([]);
  expect(r.stdout).not.toContain(PASSWORD);
  expect(r.stderr).not.toContain(PASSWORD);
  expect(r.stdout).not.toMatch(/\n\s+at /);
}

const status = (r: CliResult) => {
  const s = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(s).toHaveLength(1);
  return s[0].connectionStatus;
};

const onlyError = (r: CliResult) => {
  const errors = traces(r, 'ERROR');
  expect(errors).toHaveLength(1);
  return errors[0].trace.error;
};

async function check(config: unknown) {
  const f = jsonFiles({ 'config.json': config });
  const r = await runCli(['check', '--config', f['config.json']]);
  clean(r);
  return r;
}

describe('check answers FAILED naming the problem', () => {
  it('succeeds with the right password', async () => {
    const r = await check({ host: redis.host, port: redis.port, password: PASSWORD });
    expect(status(r)).toMatchObject({ status: 'SUCCEEDED' });
    expect(status(r).message).toMatch(/Redis 7/);
  });

  it('missing host', async () => {
    const r = await check({ port: redis.port });
    expect(r.code).toBe(0);
    expect(status(r)).toEqual({ status: 'FAILED', message: expect.stringMatching(/'host' is required/) });
  });

  it('a port of the wrong type names the field', async () => {
    const r = await check({ host: '127.0.0.1', port: 'six' });
    expect(status(r).message).toMatch(/'port' must be integer/);
  });

  it('wrong password', async () => {
    const r = await check({ host: redis.host, port: redis.port, password: 'not-the-password' });
    expect(status(r)).toMatchObject({ status: 'FAILED' });
    expect(status(r).message).toMatch(/wrong password or user/);
    expect(r.stdout).not.toContain('not-the-password');
  });

  it('no password where one is required', async () => {
    const r = await check({ host: redis.host, port: redis.port });
    expect(status(r).message).toMatch(/requires a password/);
  });

  it('closed port', async () => {
    const port = await freePort();
    const r = await check({ host: '127.0.0.1', port });
    expect(status(r).message).toBe(`Connection refused at 127.0.0.1:${port}: is Redis running there, and are 'host' and 'port' right?`);
  });

  it('a db index the server lacks', async () => {
    const r = await check({ host: redis.host, port: redis.port, password: PASSWORD, db: 99 });
    expect(status(r).message).toMatch(/Database 99 does not exist/);
  });

  it('a config that is not JSON is a config_error TRACE and a non-zero exit', async () => {
    const r = await check('{"host": "localhost", ');
    expect(r.code).toBe(1);
    expect(r.messages.filter((m) => m.type === 'CONNECTION_STATUS')).toHaveLength(0);
    expect(onlyError(r)).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/config file .* is not valid JSON/) });
  });
});

describe('read refuses bad input with a config_error TRACE', () => {
  async function read(files: Record<string, unknown>) {
    const f = jsonFiles({ 'config.json': { host: redis.host, port: redis.port, password: PASSWORD }, 'catalog.json': catalogFor(), ...files });
    const args = ['read', '--config', f['config.json'], '--catalog', f['catalog.json']];
    if (f['state.json']) args.push('--state', f['state.json']);
    const r = await runCli(args);
    clean(r);
    expect(r.code).toBe(1);
    expect(r.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    return onlyError(r);
  }

  it('an unknown stream in the catalog', async () => {
    const catalog = { streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] };
    const e = await read({ 'catalog.json': catalog });
    expect(e).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/stream 'users' does not exist/) });
  });

  it('an invalid sync mode', async () => {
    const catalog = { streams: [{ stream: { name: 'keys' }, sync_mode: 'INVALID', destination_sync_mode: 'INVALID' }] };
    const e = await read({ 'catalog.json': catalog });
    expect(e.failure_type).toBe('config_error');
    expect(e.message).toMatch(/cannot use sync_mode "INVALID"/);
  });

  it('a malformed state', async () => {
    const e = await read({ 'state.json': [{ type: 'STREAM', stream: { stream_descriptor: { name: 'streams' }, stream_state: { last_entry_ids: { orders: 'yesterday' } } } }] });
    expect(e).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/last_entry_ids\["orders"\] must be an entry ID/) });
  });

  it('a state file that is not JSON', async () => {
    const e = await read({ 'state.json': 'not json' });
    expect(e.message).toMatch(/state file .* is not valid JSON/);
  });

  it('a wrong password fails the read with a TRACE and never prints the password', async () => {
    const f = jsonFiles({ 'config.json': { host: redis.host, port: redis.port, password: 'wrong-one-123' }, 'catalog.json': catalogFor(['keys']) });
    const r = await runCli(['read', '--config', f['config.json'], '--catalog', f['catalog.json']]);
    clean(r);
    expect(r.code).toBe(1);
    expect(onlyError(r)).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/wrong password or user/) });
    expect(r.stdout).not.toContain('wrong-one-123');
  });
});
