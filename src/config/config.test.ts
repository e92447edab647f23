import { describe, expect, it } from 'vitest';
import { ConfigError } from '../protocol/errors.js';
import { parseConfig, tableOptions } from './config.js';

const fails = (raw: unknown) => {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  it('applies the spec defaults', () => {
    const c = parseConfig({ host: 'localhost' });
    expect(c).toMatchObject({ port: 6379, db: 0, ssl: false, key_pattern: '*', batch_size: 1000, max_value_bytes: 20971520 });
  });

  it('accepts Lakeflow configs where every value is a string', () => {
    const c = parseConfig({ host: 'h', port: '6380', ssl: 'true', db: '2', batch_size: '50', table_options: '{"hashes": {"batch_size": "7"}}' });
    expect(c).toMatchObject({ port: 6380, ssl: true, db: 2, batch_size: 50 });
    expect(tableOptions(c, 'hashes')).toEqual({ key_pattern: '*', batch_size: 7 });
    expect(tableOptions(c, 'lists')).toEqual({ key_pattern: '*', batch_size: 50 });
  });

  it('names the field and what is wrong with it', () => {
    expect(fails({})).toBe("Invalid config: 'host' is required (or give 'connection_url').");
    expect(fails({ host: 'h', port: 70000 })).toMatch(/'port' must be <= 65535 \(got 70000\)/);
    expect(fails({ host: 'h', ssl: 'maybe' })).toMatch(/'ssl' must be boolean/);
    expect(fails({ host: 'h', table_options: { hashes: { batch_size: 0 } } })).toMatch(/'table_options.hashes.batch_size' must be >= 1/);
    expect(fails([])).toMatch(/must be a JSON object/);
  });

  it('explains a oneOf by its discriminator and checks only the chosen variant', () => {
    expect(fails({ host: 'h', deployment: { mode: 'mesh' } })).toMatch(/'deployment' must be one of: mode=standalone, mode=cluster, mode=sentinel/);
    expect(fails({ host: 'h', deployment: { mode: 'sentinel', sentinels: 'a:1' } })).toBe("Invalid config: 'deployment.master_name' is required.");
  });

  it('never repeats a secret in its message', () => {
    expect(fails({ host: 'h', password: 12345678 })).not.toContain('12345678');
  });
});
