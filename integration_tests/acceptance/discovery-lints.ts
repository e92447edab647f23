// CAT TestDiscovery (test_core.py) as pure functions over the CATALOG message.
import { Ajv } from 'ajv';
import { additionalPropertiesTrue, noRefs } from './spec-lints.js';
import { fail, findKey, show } from './walk.js';

/** test_discover: exactly one CATALOG, streams non-empty, names unique. Returns the streams. */
export function oneCatalog(messages: any[]): any[] {
  const catalogs = messages.filter((m) => m.type === 'CATALOG');
  fail('test_discover', catalogs.length === 1 ? [] : [`expected exactly 1 CATALOG message, got ${catalogs.length}`]);
  const streams: any[] = catalogs[0].catalog.streams ?? [];
  const names = streams.map((s) => s.name);
  fail('test_discover', [
    ...(streams.length === 0 ? ['catalog has no streams'] : []),
    ...names.filter((n, i) => names.indexOf(n) !== i).map((n) => `duplicate stream name ${n}`),
  ]);
  return streams;
}

/** The schema node a field path names, walking `properties`. */
function schemaAt(schema: any, path: string[]): any {
  let node = schema;
  for (const part of path) {
    node = node?.properties?.[part];
    if (node === undefined) return undefined;
  }
  return node;
}

export function validJsonSchemas(streams: any[]): void {
  const ajv = new Ajv({ strict: false });
  const problems = streams.filter((s) => !ajv.validateSchema(s.json_schema)).map((s) => `${s.name}: ${ajv.errorsText(ajv.errors)}`);
  const draft7 = streams.filter((s) => s.json_schema?.$schema && !String(s.json_schema.$schema).includes('draft-07'));
  fail('test_streams_have_valid_json_schemas', [...problems, ...draft7.map((s) => `${s.name}: not draft-07`)]);
}

export function cursorsExist(streams: any[]): void {
  const bad = streams.filter((s) => s.default_cursor_field && !schemaAt(s.json_schema, s.default_cursor_field));
  fail('test_defined_cursors_exist_in_schema', bad.map((s) => `${s.name}: cursor ${JSON.stringify(s.default_cursor_field)}`));
}

export function primaryKeysExist(streams: any[]): void {
  const problems: string[] = [];
  for (const s of streams) {
    for (const path of s.source_defined_primary_key ?? []) {
      if (!schemaAt(s.json_schema, path)) problems.push(`${s.name}: key ${JSON.stringify(path)} not in schema`);
    }
  }
  fail('test_primary_keys_exist_in_schema', problems);
}

/** test_defined_keyword_exist_in_schema: no allOf, no not (except as property names). */
export function noAllOfOrNot(streams: any[]): void {
  const problems: string[] = [];
  for (const s of streams) {
    for (const [p] of [...findKey(s.json_schema, 'allOf'), ...findKey(s.json_schema, 'not')]) {
      if (p.at(-2) !== 'properties') problems.push(`${s.name}: ${show(p)}`);
    }
  }
  fail('test_defined_keyword_exist_in_schema', problems);
}

export function syncModes(streams: any[]): void {
  const bad = streams.filter((s) => !Array.isArray(s.supported_sync_modes) || s.supported_sync_modes.length === 0);
  fail('test_streams_has_sync_modes', bad.map((s) => s.name));
}

/** test_primary_keys_data_type: a primary key column is never object or array. */
export function primaryKeyTypes(streams: any[]): void {
  const problems: string[] = [];
  for (const s of streams) {
    for (const path of s.source_defined_primary_key ?? []) {
      const t = schemaAt(s.json_schema, path)?.type;
      const types = Array.isArray(t) ? t : [t];
      if (types.includes('object') || types.includes('array')) problems.push(`${s.name}.${path.join('.')} is ${JSON.stringify(t)}`);
    }
  }
  fail('test_primary_keys_data_type', problems);
}

/** Every TestDiscovery assertion that needs no Docker; returns the streams. */
export function lintCatalog(messages: any[]): any[] {
  const streams = oneCatalog(messages);
  validJsonSchemas(streams);
  cursorsExist(streams);
  noRefs('test_defined_refs_exist_in_schema', streams.map((s) => s.json_schema));
  noAllOfOrNot(streams);
  primaryKeysExist(streams);
  syncModes(streams);
  additionalPropertiesTrue('test_additional_properties_is_true', streams.map((s) => s.json_schema));
  primaryKeyTypes(streams);
  return streams;
}
