// Builds the package the way the Dockerfile does (npm pack, then `npm install --omit=dev <tarball>` in a fresh
// folder) and runs spec and read from the installed entrypoint: a runtime file missing from package.json
// "files" fails here, not in the image.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airbyte, configFor, expectedRecords, fixture, seedFixtures } from '../acceptance/fixtures.js';
import * as read from '../acceptance/read-asserts.js';
import { runCli } from '../harness/cli.js';
import { startRedis, type RedisInstance } from '../harness/redis-server.js';
import { finalImage } from './dockerfile.js';
import { repoFile } from './metadata.js';

const root = new URL(repoFile('.')).pathname;
const image = finalImage(join(root, 'Dockerfile'));
let dir: string;
let entry: string;
let redis: RedisInstance;

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'source-redis-package-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root));
  const install = join(dir, 'install');
  mkdirSync(install);
  // Offline-friendly: the dependencies are in npm's cache after `npm ci`; the registry is asked only when not.
  npm(['install', '--omit=dev', '--prefer-offline', '--ignore-scripts', join(dir, packed.filename)], install);
  // The image's entrypoint, with its WORKDIR mapped to the fresh folder.
  entry = image.entrypoint!.at(-1)!.replace(image.workdir!, install);
  redis = await startRedis();
  seedFixtures(redis);
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed with production dependencies only', () => {
  it('has the entrypoint and no development dependencies', () => {
    expect(existsSync(entry), entry).toBe(true);
    const modules = join(entry.slice(0, entry.indexOf('/node_modules/')), 'node_modules');
    for (const dev of ['typescript', 'vitest', 'testcontainers', 'yaml']) expect(existsSync(join(modules, dev)), dev).toBe(false);
    expect(existsSync(join(modules, 'source-redis', 'src')), 'TypeScript sources are not shipped').toBe(false);
  });

  it('spec prints the spec of spec/spec.json', async () => {
    const r = await airbyte('spec', {}, entry);
    expect(r.code).toBe(0);
    expect(r.messages.find((m) => m.type === 'SPEC')?.spec).toEqual(JSON.parse(readFileSync(join(root, 'spec/spec.json'), 'utf8')));
  });

  it('read gives records for every stream, the expected ones included', async () => {
    const catalog = fixture('configured_catalog.json');
    const r = await airbyte('read', { config: configFor('sample_config.json', redis), catalog }, entry);
    expect(r.code).toBe(0);
    const streams = (await airbyte('discover', { config: configFor('sample_config.json', redis) }, entry)).messages[0].catalog.streams;
    read.everyStreamHasRecords(r.messages, catalog.streams.map((s: any) => s.stream.name));
    read.recordsMatchSchemas(r, streams);
    read.expectedRecordsPresent(r.messages, expectedRecords(), streams);
  });

  it('has teeth: the same package without spec/ in "files" cannot even print its spec', async () => {
    const src = join(dir, 'without-spec');
    mkdirSync(join(src, 'pack'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    manifest.files = manifest.files.filter((f: string) => !f.startsWith('spec'));
    writeFileSync(join(src, 'package.json'), JSON.stringify(manifest));
    for (const d of ['dist', 'spec']) cpSync(join(root, d), join(src, d), { recursive: true });
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', join(src, 'pack')], src));
    expect(packed.files.map((f: any) => f.path)).not.toContain('spec/spec.json');
    // Unpacked beside the good install, so its dependencies resolve from the same node_modules.
    const target = join(entry.slice(0, entry.indexOf('/node_modules/')), 'node_modules', 'source-redis-without-spec');
    mkdirSync(target);
    spawnSync('tar', ['-xzf', join(src, 'pack', packed.filename), '-C', target, '--strip-components=1']);
    const r = await runCli(['spec'], { entry: join(target, 'dist/main.js') });
    expect(r.code).not.toBe(0);
    expect(r.messages.some((m) => m.type === 'SPEC')).toBe(false);
  });
});
