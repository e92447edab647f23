// The Docker image without Docker: the Dockerfile's entrypoint, env, user and labels agree with metadata.yaml
// and package.json, and metadata.yaml validates against Airbyte's metadata schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finalImage } from './dockerfile.js';
import { loadMetadata, metadataValidator, repoFile } from './metadata.js';

const pkg = JSON.parse(readFileSync(repoFile('package.json'), 'utf8'));
const image = finalImage(new URL(repoFile('Dockerfile')).pathname);
const metadata = loadMetadata();

describe('Dockerfile', () => {
  it('is multi-stage on Node 20 or later', () => {
    expect(image.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of image.stages) {
      const major = Number(/^node:(\d+)/.exec(stage.from)?.[1]);
      expect(major, stage.from).toBeGreaterThanOrEqual(20);
    }
  });

  it('AIRBYTE_ENTRYPOINT equals the exec-form ENTRYPOINT joined by spaces, with absolute paths', () => {
    expect(image.entrypoint, `ENTRYPOINT must be exec form: ${image.entrypointRaw}`).toBeDefined();
    expect(image.env.AIRBYTE_ENTRYPOINT).toBe(image.entrypoint!.join(' '));
    const files = image.entrypoint!.slice(1);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.startsWith('/'), f).toBe(true);
  });

  it('the entrypoint is the package bin where npm installs the packed tarball in WORKDIR', () => {
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin[pkg.name];
    expect(image.entrypoint!.at(-1)).toBe(`${image.workdir}/node_modules/${pkg.name}/${bin.replace(/^\.\//, '')}`);
    expect(image.runs.some((r) => /npm install --omit=dev\b/.test(r) && /\.tgz/.test(r))).toBe(true);
  });

  it('runs as the non-root user airbyte, which owns /airbyte', () => {
    expect(image.user).toBe('airbyte');
    expect(image.runs.some((r) => /useradd\b.*\bairbyte\b/.test(r))).toBe(true);
    expect(image.runs.some((r) => /chown -R airbyte:airbyte \/airbyte\b/.test(r))).toBe(true);
  });

  it('labels name the metadata repository and tag, which is the package version', () => {
    expect(image.labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(image.labels['io.airbyte.version']).toBe(metadata.data.dockerImageTag);
    expect(metadata.data.dockerImageTag).toBe(pkg.version);
  });

  it('.dockerignore keeps what the build stage copies', () => {
    const ignored = readFileSync(repoFile('.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'spec']) expect(ignored).not.toContain(needed);
  });
});

describe('metadata.yaml', () => {
  const validate = metadataValidator();

  it('validates against Airbyte\'s ConnectorMetadataDefinitionV0 schema', () => {
    expect(validate(metadata), JSON.stringify(validate.errors)).toBe(true);
  });

  it('says what Airbyte needs to list the connector', () => {
    expect(metadata.data).toMatchObject({
      connectorType: 'source',
      connectorSubtype: 'database',
      dockerRepository: 'airbyte/source-redis',
      githubIssueLabel: 'source-redis',
      license: 'MIT',
      releaseStage: 'alpha',
      supportLevel: 'community',
      name: 'Redis',
      allowedHosts: { hosts: ['${host}', '${tunnel_method.tunnel_host}'] },
    });
    expect(metadata.data.tags).toContain('language:typescript');
    expect(metadata.data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const spec = JSON.parse(readFileSync(repoFile('spec/spec.json'), 'utf8'));
    expect(metadata.data.documentationUrl).toBe(spec.documentationUrl);
    // allowedHosts names config fields; they must exist in the spec.
    expect(spec.connectionSpecification.properties.host).toBeDefined();
    expect(JSON.stringify(spec.connectionSpecification.properties.tunnel_method)).toContain('"tunnel_host"');
  });

  it('the validator rejects a broken metadata.yaml', () => {
    const broken = structuredClone(metadata);
    broken.data.connectorSubtype = 'key-value';
    delete broken.data.definitionId;
    expect(validate(broken)).toBe(false);
  });
});
