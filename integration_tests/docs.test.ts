// The user documentation keeps up with the code: every config field, every table column, the exact ACL rule
// the ACL test verifies against a real server, and every troubleshooting message as the code words it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACL_RULE } from './acceptance/acl-rule.js';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const doc = read('docs/integrations/sources/redis.md');
const spec = JSON.parse(read('spec/spec.json'));

/** Every non-test source file under src/, string concatenations across lines joined ('a ' +\n 'b' -> 'a b'). */
const source = (readdirSync(new URL('../src', import.meta.url), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => read(`src/${f}`))
  .join('\n')
  .replace(/[`'"]\s*\+\s*[`'"]/g, '');

/** The message cells of the Troubleshooting tables: the code spans in each row's first column. */
function troubleshootingMessages(): string[] {
  const section = doc.split('\n## Troubleshooting\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split(/(?<!\\)\|/)[1].matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\\\|/g, '|')));
}

/** The literal parts of a documented message: '…' stands for what varies (a host, a field, the server's words). */
function fragments(message: string): string[] {
  return message.split('…').filter((f) => f.length > 0);
}

describe('docs/integrations/sources/redis.md', () => {
  it('gives the least-privilege ACL rule that acl.test.ts verifies', () => {
    expect(doc).toContain(`ACL SETUSER airbyte ${ACL_RULE.replace('PASSWORD', 'CHOOSE-A-PASSWORD')}`);
  });

  it('describes every configuration field', () => {
    for (const field of Object.keys(spec.connectionSpecification.properties)) expect(doc).toContain(`\`${field}`);
  });

  it('describes every field of the tls, deployment and tunnel_method blocks', () => {
    for (const block of ['tls', 'deployment', 'tunnel_method']) {
      const schema = spec.connectionSpecification.properties[block];
      const variants = [schema, ...(schema.oneOf ?? [])];
      for (const field of variants.flatMap((v: any) => Object.keys(v.properties ?? {}))) {
        expect(doc, `${block}.${field}`).toContain(`\`${block}.${field}\``);
      }
    }
  });

  it('lists every table with every column of its schema', () => {
    for (const table of ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams', 'server_info']) {
      const section = doc.split(`### ${table}\n`)[1]?.split('\n### ')[0].split('\n## ')[0];
      expect(section, table).toBeDefined();
      const schema = JSON.parse(read(`spec/schemas/${table}.json`));
      for (const column of Object.keys(schema.properties)) expect(section, `${table}.${column}`).toContain(`| \`${column}\` |`);
    }
  });

  it('quotes every troubleshooting message as the code words it', () => {
    const messages = troubleshootingMessages();
    expect(messages.length).toBeGreaterThan(60);
    for (const message of messages) {
      // A row must quote real words, not only placeholders.
      expect(fragments(message).some((f) => f.length >= 12), message).toBe(true);
      for (const f of fragments(message)) expect(source.includes(f), `"${f}" of: ${message}`).toBe(true);
    }
  });

  it('lists the cluster/sentinel refusal only while the code still refuses', () => {
    const row = "deployment mode '…' is not supported by this build";
    const refuses = /deployment mode '(cluster|sentinel)' is not supported by this build/.test(source);
    expect(troubleshootingMessages().some((m) => m.startsWith(row))).toBe(refuses);
  });

  it('has the sections of an Airbyte source page', () => {
    for (const h of ['## Prerequisites', '## Setup guide', '## Supported sync modes', '## Supported streams', '## Data type mapping', '## Performance considerations', '## Troubleshooting', '## Changelog']) {
      expect(doc).toContain(h);
    }
  });
});
