// The user documentation keeps up with the code: every config field, every table column, and the exact ACL rule
// the ACL test verifies against a real server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACL_RULE } from './acceptance/acl-rule.js';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const doc = read('docs/integrations/sources/redis.md');
const spec = JSON.parse(read('spec/spec.json'));

describe('docs/integrations/sources/redis.md', () => {
  it('gives the least-privilege ACL rule that acl.test.ts verifies', () => {
    expect(doc).toContain(`ACL SETUSER airbyte ${ACL_RULE.replace('PASSWORD', 'CHOOSE-A-PASSWORD')}`);
  });

  it('describes every configuration field', () => {
    for (const field of Object.keys(spec.connectionSpecification.properties)) expect(doc).toContain(`\`${field}`);
  });

  it('lists every table with every column of its schema', () => {
    for (const table of ['keys', 'strings', 'hashes', 'lists', 'sets', 'sorted_sets', 'streams', 'server_info']) {
      const section = doc.split(`### ${table}\n`)[1]?.split('\n### ')[0].split('\n## ')[0];
      expect(section, table).toBeDefined();
      const schema = JSON.parse(read(`spec/schemas/${table}.json`));
      for (const column of Object.keys(schema.properties)) expect(section, `${table}.${column}`).toContain(`| \`${column}\` |`);
    }
  });

  it('has the sections of an Airbyte source page', () => {
    for (const h of ['## Prerequisites', '## Setup guide', '## Supported sync modes', '## Supported streams', '## Data type mapping', '## Performance considerations', '## Troubleshooting', '## Changelog']) {
      expect(doc).toContain(h);
    }
  });
});
