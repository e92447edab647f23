// ACL users, legacy AUTH, least privilege, and servers that refuse the metadata commands (ACL or rename-command).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { records, traces } from '../harness/cli.js';
import { seedDataset } from '../harness/dataset.js';
import { type RedisInstance, startRedis } from '../harness/redis-server.js';
import { check, expectCheckFails, expectReadsAll, read, warnings } from '../harness/runs.js';

// The rule the docs give for a read-only connector user (notes/issue-5.md), tested exactly as written.
export const LEAST_PRIVILEGE = '~* resetchannels -@all +@read +info';

const pw = (name: string) => `${name}-pw-${Date.now()}`;
const legacy = pw('legacy');
const airbyte = pw('airbyte');
const nometa = pw('nometa');
const noread = pw('noread');
const secrets = [legacy, airbyte, nometa, noread];
let acl: RedisInstance;
let renamed: RedisInstance;

beforeAll(async () => {
  acl = await startRedis({
    conf: [
      `requirepass ${legacy}`,
      `user airbyte on >${airbyte} ${LEAST_PRIVILEGE}`,
      `user selector on >${airbyte} ${LEAST_PRIVILEGE} +select`,
      `user prefixed on >${airbyte} ~user:* resetchannels -@all +@read +info`,
      `user nometa on >${nometa} ~* resetchannels -@all +@read -memory -object`,
      `user noread on >${noread} ~* resetchannels -@all +@read -xrange -hscan +info`,
    ],
  });
  renamed = await startRedis({ conf: ['rename-command MEMORY ""', 'rename-command OBJECT ""'] });
  await seedDataset(acl.port, { password: legacy });
  await seedDataset(renamed.port);
});

afterAll(async () => {
  await acl?.stop();
  await renamed?.stop();
});

const as = (username: string | undefined, password: string) => ({ host: '127.0.0.1', port: acl.port, ...(username ? { username } : {}), password });

/** Each refused metadata command is named in exactly one WARN. */
function expectOneWarningEach(messages: string[], commands: string[]) {
  for (const c of commands) expect(messages.filter((m) => m.startsWith(`${c} is not permitted`)), `${c} in ${JSON.stringify(messages)}`).toHaveLength(1);
}

describe('ACL users and least privilege', () => {
  it(`reads all eight tables as a user with exactly '${LEAST_PRIVILEGE}', without a warning`, async () => {
    const { checkMessage, result } = await expectReadsAll(as('airbyte', airbyte), secrets);
    expect(checkMessage).toMatch(/Redis 7\.\d+\.\d+ \(standalone\).*as user 'airbyte'\.$/);
    expect(warnings(result)).toEqual([]);
  });

  it('reads all eight tables with the legacy password-only AUTH (requirepass)', async () => {
    await expectReadsAll(as(undefined, legacy), secrets);
  });

  it('takes user, password, host, port and db from a redis:// URL', async () => {
    const url = `redis://airbyte:${encodeURIComponent(airbyte)}@127.0.0.1:${acl.port}/0`;
    await expectReadsAll({ connection_url: url }, [...secrets, url]);
  });

  it('reads everything when MEMORY, OBJECT and INFO are refused by ACL: null columns, no server_info rows, one WARN each', async () => {
    const { checkMessage, result } = await expectReadsAll(as('nometa', nometa), secrets, { metadata: false, info: false });
    expect(checkMessage).toMatch(/Redis 7\.\d+\.\d+ \(standalone\)/); // from HELLO, INFO being refused
    expect(checkMessage).toMatch(/MEMORY USAGE is not permitted.*OBJECT ENCODING is not permitted.*INFO is not permitted \(the server_info table will be empty; add '\+info'/);
    expectOneWarningEach(warnings(result), ['MEMORY USAGE', 'OBJECT ENCODING', 'OBJECT REFCOUNT', 'OBJECT IDLETIME', 'INFO']);
  });

  it('reads everything when MEMORY and OBJECT are renamed away (rename-command), one WARN each', async () => {
    const { result } = await expectReadsAll({ host: '127.0.0.1', port: renamed.port }, secrets, { metadata: false, info: true });
    expectOneWarningEach(warnings(result), ['MEMORY USAGE', 'OBJECT ENCODING', 'OBJECT REFCOUNT', 'OBJECT IDLETIME']);
    expect(records(result, 'keys').map((r) => r.data.key_type).sort()).toEqual(['hash', 'list', 'set', 'stream', 'string', 'string', 'string', 'string', 'zset']);
  });

  it('check fails naming the commands a table needs and the ACL category to add', async () => {
    const message = await expectCheckFails(as('noread', noread), secrets, /may not run HSCAN, XRANGE .*hashes, streams table\(s\).*'\+@read'.*\+hscan \+xrange/);
    expect(message).toMatch(/Redis 7\.\d+\.\d+/);
  });

  it('read fails the streams that lack a permission, naming it, and completes the others', async () => {
    const result = await read(as('noread', noread), secrets);
    expect(result.code).toBe(1);
    const errors = traces(result, 'ERROR').map((t) => `${t.trace.error.stream_descriptor?.name}: ${t.trace.error.message}`);
    expect(errors).toHaveLength(2);
    expect(errors.find((e) => e.startsWith('hashes:'))).toMatch(/refused HSCAN.*\+@read/);
    expect(errors.find((e) => e.startsWith('streams:'))).toMatch(/refused XRANGE.*\+@read/);
    expect(records(result, 'lists')).toHaveLength(4);
  });

  it('check fails for an unknown ACL user, a wrong password, and a database the user may not SELECT', async () => {
    await expectCheckFails(as('nosuch', airbyte), secrets, /Authentication failed for user 'nosuch'/);
    await expectCheckFails(as('airbyte', 'wrong-password'), secrets, /Authentication failed for user 'airbyte'/);
    await expectCheckFails({ ...as('airbyte', airbyte), db: 3 }, secrets, /database 3 needs SELECT.*'\+select'/);
    await expectCheckFails({ host: '127.0.0.1', port: acl.port }, secrets, /requires a password \(NOAUTH\)/);
  });

  it('with +select added to the rule, reads another database', async () => {
    const { status, message } = await check({ connection_url: `redis://selector:${encodeURIComponent(airbyte)}@127.0.0.1:${acl.port}/3` }, secrets);
    expect(status, message).toBe('SUCCEEDED');
    expect(message).toMatch(/db 3, as user 'selector'/);
  });

  it('a user whose ACL key pattern excludes keys the key_pattern matches fails check and read, naming key_pattern', async () => {
    await expectCheckFails(as('prefixed', airbyte), secrets, /ACL key patterns .* do not cover 'key_pattern'/);
    const { status, message } = await check({ ...as('prefixed', airbyte), key_pattern: 'user:*' }, secrets);
    expect(status, message).toBe('SUCCEEDED');
    const result = await read(as('prefixed', airbyte), secrets, ['strings', 'hashes']);
    expect(result.code).toBe(1);
    const errors = traces(result, 'ERROR').map((t) => t.trace.error.message);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toMatch(/do not cover 'key_pattern'/);
  });
});
