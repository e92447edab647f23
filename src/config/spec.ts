// spec/spec.json is the single source of the connection specification; it ships inside the package.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function packageFile(relative: string): string {
  return root + relative;
}

let cached: any;
export function loadSpec(): any {
  cached ??= JSON.parse(readFileSync(packageFile('spec/spec.json'), 'utf8'));
  return cached;
}

export function loadTableSchema(table: string): any {
  return JSON.parse(readFileSync(packageFile(`spec/schemas/${table}.json`), 'utf8'));
}
