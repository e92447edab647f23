// The CAT fixtures of integration_tests/, pointed at a redis-server this suite starts and seeded by the same
// script CAT's client container runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonFiles, runCli, type CliResult } from '../harness/cli.js';
import type { RedisInstance } from '../harness/redis-server.js';
import { protocolValid } from './read-asserts.js';

const dir = fileURLToPath(new URL('../', import.meta.url));
export const fixturePath = (name: string) => dir + name;
export const fixture = (name: string) => JSON.parse(readFileSync(fixturePath(name), 'utf8'));
export const expectedRecords = () =>
  readFileSync(fixturePath('expected_records.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** A fixture config with host and port rewritten to the test server. */
export function configFor(name: string, redis: RedisInstance): Record<string, unknown> {
  return { ...fixture(name), host: redis.host, port: redis.port };
}

/** Runs seed-fixtures.mjs as CAT's setup_command does: node <script> <config.json>. */
export function seedFixtures(redis: RedisInstance, overrides: Record<string, unknown> = {}): void {
  const { config } = jsonFiles({ config: { ...configFor('sample_config.json', redis), ...overrides } });
  const r = spawnSync(process.execPath, [fixturePath('seed-fixtures.mjs'), config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seed-fixtures.mjs failed: ${r.stderr}`);
}

/** Runs the built CLI with JSON inputs written to files; every stdout line must be a valid AirbyteMessage. */
export async function airbyte(command: string, inputs: { config?: unknown; catalog?: unknown; state?: unknown }, entry?: string): Promise<CliResult> {
  const files = jsonFiles(Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)));
  const args = [command, ...Object.keys(files).flatMap((k) => [`--${k}`, files[k]])];
  const result = await runCli(args, { entry });
  protocolValid(result);
  return result;
}
