import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from '../protocol/errors.js';
import { checkDepth } from './depth.js';
import { registerSecretsFromSpec } from '../protocol/redact.js';
import { loadSpec } from './spec.js';

export interface TableOptions {
  key_pattern?: string;
  batch_size?: number;
}

export interface TlsOptions {
  ca_certificate?: string;
  client_certificate?: string;
  client_key?: string;
  client_key_password?: string;
  server_name?: string;
  verify_server_certificate?: boolean;
}

export type Deployment =
  | { mode: 'standalone' }
  | { mode: 'cluster'; seed_nodes?: string; read_from_replicas?: boolean }
  | {
      mode: 'sentinel';
      sentinels: string;
      master_name: string;
      sentinel_username?: string;
      sentinel_password?: string;
      read_from_replica?: boolean;
    };

export type TunnelMethod =
  | { tunnel_method: 'NO_TUNNEL' }
  | { tunnel_method: 'SSH_KEY_AUTH'; tunnel_host: string; tunnel_port: number; tunnel_user: string; ssh_key: string }
  | {
      tunnel_method: 'SSH_PASSWORD_AUTH';
      tunnel_host: string;
      tunnel_port: number;
      tunnel_user: string;
      tunnel_user_password: string;
    };

export interface SourceConfig {
  /** Empty when connection_url is given; resolveEndpoint() gives the effective host. */
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  ssl: boolean;
  connection_url?: string;
  tls?: TlsOptions;
  deployment?: Deployment;
  tunnel_method?: TunnelMethod;
  key_pattern: string;
  batch_size: number;
  table_options?: Record<string, TableOptions>;
  connect_timeout_seconds: number;
  command_timeout_seconds: number;
  max_retries: number;
  max_value_bytes: number;
}

/** Reads a JSON file given on the command line; what is wrong with it is said in terms of the flag. */
export function readJsonFile(path: string, what: string): unknown {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the ${what} file '${path}': ${(e as NodeJS.ErrnoException).code ?? e}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(`The ${what} file '${path}' is not valid JSON: ${(e as Error).message.slice(0, 200)}.`);
  }
  checkDepth(parsed, what);
  return parsed;
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(config: unknown): ErrorObject[] {
  validator ??= new Ajv({ strict: false, allErrors: true, useDefaults: true }).compile(loadSpec().connectionSpecification);
  return validator(config) ? [] : (validator.errors ?? []);
}

/**
 * Configs written for the Lakeflow Redis connector carry every value as a string ("port": "6379",
 * "ssl": "true"); they are converted by the type the spec declares, before validation.
 */
export function coerce(value: unknown, schema: any): unknown {
  if (!schema) return value;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (typeof value === 'string') {
    const v = value.trim();
    if ((type === 'integer' || type === 'number') && v !== '' && Number.isFinite(Number(v))) return Number(v);
    if (type === 'boolean' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (type === 'object' && v.startsWith('{')) {
      try {
        return coerce(JSON.parse(v), schema);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    const props: Record<string, any> = { ...(schema.properties ?? {}) };
    for (const variant of schema.oneOf ?? []) Object.assign(props, variant.properties ?? {});
    for (const [k, v] of Object.entries(value)) out[k] = coerce(v, props[k]);
    return out;
  }
  return value;
}

function fieldName(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  return path || '(root)';
}

function explain(e: ErrorObject, config: unknown): string {
  const field = fieldName(e);
  if (e.keyword === 'required') return `'${field}' is required`;
  const got = e.instancePath
    .split('/')
    .filter(Boolean)
    .reduce<any>((o, k) => (o == null ? o : o[k]), config);
  // A number JSON cannot hold (1e999 parses as Infinity) would print as null.
  const gotText = typeof got === 'number' && !Number.isFinite(got) ? 'a number too large' : JSON.stringify(got)?.slice(0, 60);
  const shown = field.endsWith('password') || field.endsWith('key') || field.endsWith('url') ? '' : ` (got ${gotText})`;
  if (e.keyword === 'const') return `'${field}' must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}${shown}`;
  return `'${field}' ${e.message}${shown}`;
}

/** oneOf reports an error per variant; only the variant the discriminator (a const) picks is relevant. */
function relevant(errors: ErrorObject[], config: any, spec: any): ErrorObject[] {
  const picked = errors.filter((e) => {
    const m = /^#\/properties\/([^/]+)\/oneOf\/(\d+)\//.exec(e.schemaPath);
    if (!m) return e.keyword !== 'oneOf';
    const variants = spec.properties[m[1]].oneOf as any[];
    const value = config?.[m[1]] ?? {};
    const chosen = variants.findIndex((v) =>
      Object.entries<any>(v.properties).some(([k, p]) => p.const !== undefined && value[k] === p.const),
    );
    return chosen === Number(m[2]);
  });
  if (picked.length > 0) return picked;
  const oneOf = errors.find((e) => e.keyword === 'oneOf');
  if (!oneOf) return errors;
  const field = oneOf.instancePath.replace(/^\//, '');
  const spec1 = spec.properties[field];
  const discriminators = (spec1?.oneOf ?? []).flatMap((v: any) =>
    Object.entries<any>(v.properties).filter(([, p]) => p.const !== undefined).map(([k, p]) => `${k}=${p.const}`),
  );
  return [{ ...oneOf, message: `must be one of: ${discriminators.join(', ')}` }];
}

export function parseConfig(raw: unknown): SourceConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('The config must be a JSON object, for example {"host": "localhost", "port": 6379}.');
  }
  const spec = loadSpec().connectionSpecification;
  const config = coerce(raw, spec) as Record<string, unknown>;
  registerSecretsFromSpec(config, spec);
  const errors = relevant(validate(config), config, spec);
  if (errors.length > 0) {
    const first = errors.slice(0, 3).map((e) => explain(e, config));
    throw new ConfigError(`Invalid config: ${first.join('; ')}.`);
  }
  if (!config.host && !config.connection_url) {
    throw new ConfigError("Invalid config: 'host' is required (or give 'connection_url').");
  }
  return config as unknown as SourceConfig;
}

export function loadConfig(path: string): SourceConfig {
  return parseConfig(readJsonFile(path, 'config'));
}

/** key_pattern and batch_size for one table: table_options win over the global values. */
export function tableOptions(config: SourceConfig, table: string): Required<TableOptions> {
  const own = config.table_options?.[table] ?? {};
  return { key_pattern: own.key_pattern ?? config.key_pattern, batch_size: own.batch_size ?? config.batch_size };
}
