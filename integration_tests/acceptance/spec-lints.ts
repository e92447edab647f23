// CAT TestSpec (test_core.py) as pure functions over the SPEC message and a config.
import { Ajv } from 'ajv';
import { fail, findKey, getAt, show } from './walk.js';

const SECRET_NAMES = new Set([
  'client_token', 'access_token', 'api_token', 'token', 'secret', 'client_secret', 'password', 'key',
  'service_account_info', 'service_account', 'tenant_id', 'certificate', 'jwt', 'credentials', 'app_id', 'appid',
  'refresh_token',
]);
const RESERVED = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'properties', 'items', 'type', 'prefixItems']);
const FORBIDDEN = ['not', 'anyOf', 'patternProperties', 'prefixItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired'];

/** Exactly one SPEC message; returns its spec. */
export function oneSpec(messages: any[]): any {
  const specs = messages.filter((m) => m.type === 'SPEC');
  fail('actual_connector_spec', specs.length === 1 ? [] : [`expected exactly 1 SPEC message, got ${specs.length}`]);
  return specs[0].spec;
}

/** test_config_match_spec: the config (keys starting with _ dropped) validates against connectionSpecification. */
export function configMatchesSpec(spec: any, config: Record<string, unknown>): void {
  const cleaned = Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('_')));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(spec.connectionSpecification);
  fail('test_config_match_spec', validate(cleaned) ? [] : [`config invalid: ${JSON.stringify(validate.errors)}`]);
}

export function enumsDistinct(spec: any): void {
  const bad = findKey(spec.connectionSpecification, 'enum').filter(([, v]) => Array.isArray(v) && new Set(v.map((x) => JSON.stringify(x))).size !== v.length);
  fail('test_enum_usage', bad.map(([p]) => `duplicate enum values at ${show(p)}`));
}

export function oneOfUsage(spec: any): void {
  const root = spec.connectionSpecification;
  const problems: string[] = [];
  for (const [path, variants] of [...findKey(root, 'oneOf'), ...findKey(root, 'anyOf')] as [any[], any[]][]) {
    const where = show(path);
    if (getAt(root, path.slice(0, -1))?.type !== 'object') problems.push(`${where}: parent must be type object`);
    if (!variants.every((v) => v && typeof v.properties === 'object')) {
      problems.push(`${where}: every variant needs properties`);
      continue;
    }
    const common = Object.keys(variants[0].properties).filter((k) => variants.every((v) => k in v.properties));
    if (common.length === 0) problems.push(`${where}: no property common to all variants`);
    const consts = common.filter((k) => variants.every((v) => 'const' in v.properties[k]));
    if (consts.length !== 1) {
      problems.push(`${where}: exactly one common property must have const in every variant (got ${consts.length})`);
      continue;
    }
    variants.forEach((v, n) => {
      const p = v.properties[consts[0]];
      if ('default' in p && p.default !== p.const) problems.push(`${where}[${n}].${consts[0]}: default differs from const`);
      if ('enum' in p && !(p.enum.length === 1 && p.enum[0] === p.const)) problems.push(`${where}[${n}].${consts[0]}: enum differs from const`);
    });
  }
  fail('test_oneof_usage', problems);
}

function canStoreSecret(prop: any): boolean {
  const types = Array.isArray(prop.type) ? prop.type : [prop.type];
  return types.some((t: string) => ['string', 'integer', 'number'].includes(t)) && !prop.const;
}

/** test_secret_is_properly_marked: a secret-named string/number property must be airbyte_secret, and only such. */
export function secretsMarked(spec: any): void {
  const properties = spec.connectionSpecification.properties ?? {};
  const problems: string[] = [];
  for (const [path] of findKey(properties, 'type')) {
    const name = [...path.slice(0, -1)].reverse().find((p) => typeof p === 'string' && !/^\d+$/.test(p) && !RESERVED.has(p));
    if (typeof name !== 'string' || !SECRET_NAMES.has(name.toLowerCase())) continue;
    const prop = getAt(properties, path.slice(0, -1));
    const marked = prop.airbyte_secret === true;
    if (marked && !canStoreSecret(prop)) problems.push(`${show(path.slice(0, -1))} is airbyte_secret but cannot hold a secret`);
    if (!marked && canStoreSecret(prop)) problems.push(`${show(path.slice(0, -1))} must be marked airbyte_secret`);
  }
  fail('test_secret_is_properly_marked', problems);
}

/** test_property_type_is_not_array: type arrays are [T] or [T, "null"]. */
export function typeArrays(spec: any): void {
  const bad = findKey(spec.connectionSpecification, 'type').filter(
    ([p, v]) => p.at(-3) === 'properties' && Array.isArray(v) && !(v.length === 1 || (v.length === 2 && v[1] === 'null')),
  );
  fail('test_property_type_is_not_array', bad.map(([p, v]) => `${show(p)} is ${JSON.stringify(v)}`));
}

/** test_object_not_empty: nested objects have properties (or oneOf). */
export function objectsNotEmpty(spec: any): void {
  const root = spec.connectionSpecification;
  const bad = findKey(root, 'type').filter(([p, v]) => {
    if (p.length === 1 || v !== 'object') return false;
    const parent = getAt(root, p.slice(0, -1));
    return !('oneOf' in parent) && (!parent.properties || Object.keys(parent.properties).length === 0);
  });
  fail('test_object_not_empty', bad.map(([p]) => `${show(p)} is an empty object`));
}

/** test_array_type: items is one schema of type object/string/number/integer, or an enum. */
export function arrayTypes(spec: any): void {
  const root = spec.connectionSpecification;
  const problems: string[] = [];
  for (const [p, v] of findKey(root, 'type')) {
    if (v !== 'array') continue;
    const items = getAt(root, p.slice(0, -1)).items;
    if (items === undefined) continue;
    if (Array.isArray(items)) problems.push(`${show(p)}: items is a list`);
    else if (!['object', 'string', 'number', 'integer'].includes(items.type) && !('enum' in items)) problems.push(`${show(p)}: bad items type`);
  }
  fail('test_array_type', problems);
}

/** test_forbidden_complex_types: none of not, anyOf, allOf, if/then/else... except as property names. */
export function noForbiddenKeywords(spec: any): void {
  const found = FORBIDDEN.flatMap((k) => findKey(spec.connectionSpecification, k)).filter(([p]) => p.at(-2) !== 'properties');
  fail('test_forbidden_complex_types', found.map(([p]) => show(p)));
}

/** test_duplicate_order: no two properties of one object (and group) share an order. */
export function noDuplicateOrder(spec: any): void {
  const root = spec.connectionSpecification;
  const problems: string[] = [];
  for (const [p, props] of findKey(root, 'properties') as [any[], any][]) {
    if (getAt(root, p.slice(0, -1))?.type !== 'object' || !props || typeof props !== 'object') continue;
    const used = new Map<string, Set<number>>();
    for (const prop of Object.values<any>(props)) {
      if (!prop || !('order' in prop)) continue;
      const group = prop.group ?? '';
      if (!used.has(group)) used.set(group, new Set());
      if (used.get(group)!.has(prop.order)) problems.push(`${show(p)} has duplicate order ${prop.order}`);
      used.get(group)!.add(prop.order);
    }
  }
  fail('test_duplicate_order', problems);
}

/** test_nested_group and test_display_type. */
export function groupsAndDisplayTypes(spec: any): void {
  const root = spec.connectionSpecification;
  const problems: string[] = [];
  for (const [p] of findKey(root.properties ?? {}, 'group')) {
    if (p.at(-2) !== 'properties' && p.length !== 2) problems.push(`group nested at /properties${show(p)}`);
  }
  for (const [p, v] of findKey(root.properties ?? {}, 'display_type')) {
    if (p.at(-2) === 'properties') continue;
    if (!('oneOf' in getAt(root.properties, p.slice(0, -1)))) problems.push(`display_type without oneOf at ${show(p)}`);
    if (v !== 'dropdown' && v !== 'radio') problems.push(`display_type ${JSON.stringify(v)} at ${show(p)}`);
  }
  fail('test_nested_group/test_display_type', problems);
}

export function noRefs(test: string, node: unknown): void {
  fail(test, findKey(node, '$ref').map(([p]) => `$ref at ${show(p)}`));
}

export function additionalPropertiesTrue(test: string, node: unknown): void {
  fail(test, findKey(node, 'additionalProperties').filter(([, v]) => v !== true).map(([p]) => `${show(p)} must be true`));
}

/** Every TestSpec assertion that needs no Docker. */
export function lintSpec(spec: any): void {
  enumsDistinct(spec);
  oneOfUsage(spec);
  secretsMarked(spec);
  typeArrays(spec);
  objectsNotEmpty(spec);
  arrayTypes(spec);
  noForbiddenKeywords(spec);
  noDuplicateOrder(spec);
  groupsAndDisplayTypes(spec);
  noRefs('test_defined_refs_exist_in_json_spec_file', spec);
  additionalPropertiesTrue('test_additional_properties_is_true', spec.connectionSpecification);
}
