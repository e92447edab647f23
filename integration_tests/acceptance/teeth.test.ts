// The acceptance suite has teeth: real connector output passes every assertion, and the same output with one
// CAT rule broken makes the matching assertion throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../harness/redis-server.js';
import * as discovery from './discovery-lints.js';
import { airbyte, configFor, expectedRecords, fixture, seedFixtures } from './fixtures.js';
import * as read from './read-asserts.js';
import * as specLints from './spec-lints.js';
import * as sync from './sync-asserts.js';
import { CatFailure } from './walk.js';

let redis: RedisInstance;
let spec: any;
let catalogOut: read.Output;
let streams: any[];
let readOut: read.Output;
const names: string[] = fixture('configured_catalog.json').streams.map((s: any) => s.stream.name);

beforeAll(async () => {
  redis = await startRedis();
  seedFixtures(redis);
  const config = configFor('sample_config.json', redis);
  spec = specLints.oneSpec((await airbyte('spec', {})).messages);
  catalogOut = await airbyte('discover', { config });
  streams = discovery.lintCatalog(catalogOut.messages);
  readOut = await airbyte('read', { config, catalog: fixture('configured_catalog.json') });
});
afterAll(async () => redis?.stop());

/** A copy of `out` with the first message matching `pick` replaced by what `change` makes of it (as raw text). */
function mutate(out: read.Output, pick: (m: any) => boolean, change: (line: string, m: any) => string): read.Output {
  const i = out.messages.findIndex(pick);
  expect(i).toBeGreaterThanOrEqual(0);
  const lines = [...out.lines];
  lines[i] = change(lines[i], structuredClone(out.messages[i]));
  return { lines, messages: lines.map((l) => JSON.parse(l)) };
}
const drop = (out: read.Output, pick: (m: any) => boolean): read.Output => {
  const keep = out.messages.map((m) => !pick(m));
  return { lines: out.lines.filter((_, i) => keep[i]), messages: out.messages.filter((_, i) => keep[i]) };
};
const isRecord = (stream: string) => (m: any) => m.type === 'RECORD' && m.record.stream === stream;
const throwsCat = (fn: () => void, test: string) => expect(fn).toThrow(new RegExp(`^${test.replace(/[[\]]/g, '\\$&')}`));

describe('the real output passes', () => {
  it('every assertion', () => {
    specLints.lintSpec(spec);
    read.protocolValid(readOut);
    read.recordsMatchSchemas(readOut, streams);
    read.stateMessages(readOut.messages, names.length);
    read.streamStatuses(readOut.messages, names);
    read.expectedRecordsPresent(readOut.messages, expectedRecords(), streams);
  });
});

describe('a broken rule fails its assertion', () => {
  it('a record off its schema (a string where the schema says integer)', () => {
    const bad = mutate(readOut, isRecord('lists'), (_l, m) => JSON.stringify({ ...m, record: { ...m.record, data: { ...m.record.data, list_index: 'zero' } } }));
    throwsCat(() => read.recordsMatchSchemas(bad, streams), 'test_read[validate_schema]');
  });

  it('an integer written as 1.0 (CAT validates integers strictly)', () => {
    const bad = mutate(readOut, isRecord('lists'), (l) => l.replace(/"list_index":(\d+)/, '"list_index":$1.0'));
    expect(bad.lines.some((l) => /"list_index":\d+\.0/.test(l))).toBe(true);
    throwsCat(() => read.recordsMatchSchemas(bad, streams), 'test_read[validate_schema]');
  });

  it('a record that shares no field with its schema', () => {
    const bad = mutate(readOut, isRecord('keys'), (_l, m) => JSON.stringify({ ...m, record: { ...m.record, data: { other: 1 } } }));
    throwsCat(() => read.recordsMatchSchemas(bad, streams), 'test_read[validate_schema]');
  });

  it('a STATE without sourceStats', () => {
    const bad = mutate(readOut, (m) => m.type === 'STATE', (_l, m) => {
      delete m.state.sourceStats;
      return JSON.stringify(m);
    });
    throwsCat(() => read.stateMessages(bad.messages, names.length), 'test_read[validate_state_messages]');
    throwsCat(() => sync.uniqueStatesWithExpectedCounts(sync.statesOf(bad.messages)), 'test_read_sequential_slices');
  });

  it('a LEGACY state, and fewer states than streams', () => {
    const legacy = mutate(readOut, (m) => m.type === 'STATE', () => JSON.stringify({ type: 'STATE', state: { type: 'LEGACY', data: {}, sourceStats: { recordCount: 1 } } }));
    throwsCat(() => read.stateMessages(legacy.messages, names.length), 'test_read[validate_state_messages]');
    throwsCat(() => read.stateMessages(drop(readOut, (m) => m.type === 'STATE').messages, names.length), 'test_read[validate_state_messages]');
  });

  it('an unmarked secret: password without airbyte_secret', () => {
    const bad = structuredClone(spec);
    delete bad.connectionSpecification.properties.password.airbyte_secret;
    throwsCat(() => specLints.secretsMarked(bad), 'test_secret_is_properly_marked');
    throwsCat(() => specLints.lintSpec(bad), 'test_secret_is_properly_marked');
  });

  it('spec: forbidden keyword, $ref, a type array with null first, duplicate order, empty object', () => {
    const props = (s: any) => s.connectionSpecification.properties;
    const cases: [string, (s: any) => void][] = [
      ['test_forbidden_complex_types', (s) => (props(s).host.not = { const: '' })],
      ['test_defined_refs_exist_in_json_spec_file', (s) => (props(s).port.$ref = '#/definitions/port')],
      ['test_property_type_is_not_array', (s) => (props(s).host.type = ['null', 'string'])],
      ['test_duplicate_order', (s) => (props(s).port.order = props(s).host.order)],
      ['test_object_not_empty', (s) => (props(s).tls.properties = {})],
      ['test_additional_properties_is_true', (s) => (s.connectionSpecification.additionalProperties = false)],
      ['test_oneof_usage', (s) => delete props(s).deployment.oneOf[1].properties.mode.const],
    ];
    for (const [test, breakIt] of cases) {
      const bad = structuredClone(spec);
      breakIt(bad);
      throwsCat(() => specLints.lintSpec(bad), test);
    }
    throwsCat(() => specLints.oneSpec([]), 'actual_connector_spec');
    throwsCat(() => specLints.configMatchesSpec(spec, { host: 'h', port: 'x' }), 'test_config_match_spec');
  });

  it('discovery: a primary key or cursor missing from the schema, an object key, a duplicate stream', () => {
    const withStreams = (f: (s: any[]) => void) => {
      const m = structuredClone(catalogOut.messages.find((x) => x.type === 'CATALOG'));
      f(m.catalog.streams);
      return [m];
    };
    throwsCat(() => discovery.lintCatalog(withStreams((s) => delete s[0].json_schema.properties.key_name)), 'test_primary_keys_exist_in_schema');
    throwsCat(() => discovery.lintCatalog(withStreams((s) => (s[6].default_cursor_field = ['nope']))), 'test_defined_cursors_exist_in_schema');
    throwsCat(() => discovery.lintCatalog(withStreams((s) => (s[0].json_schema.properties.key_name.type = 'object'))), 'test_primary_keys_data_type');
    throwsCat(() => discovery.lintCatalog(withStreams((s) => s.push(s[0]))), 'test_discover');
    throwsCat(() => discovery.lintCatalog(withStreams((s) => (s[0].json_schema.allOf = [{}]))), 'test_defined_keyword_exist_in_schema');
  });

  it('basic read: a stream without records, a null key, a missing expected record, a missing RUNNING status', () => {
    throwsCat(() => read.everyStreamHasRecords(drop(readOut, isRecord('sets')).messages, names), 'test_read');
    const nullKey = mutate(readOut, isRecord('hashes'), (_l, m) => JSON.stringify({ ...m, record: { ...m.record, data: { ...m.record.data, field: null } } }));
    throwsCat(() => read.primaryKeyValues(nullKey.messages, streams), 'test_read[validate_primary_keys_data_type]');
    throwsCat(() => read.expectedRecordsPresent(drop(readOut, isRecord('streams')).messages, expectedRecords(), streams), 'test_read[expect_records]');
    const noRunning = drop(readOut, (m) => m.type === 'TRACE' && m.trace.stream_status?.status === 'RUNNING' && m.trace.stream_status.stream_descriptor.name === 'keys');
    throwsCat(() => read.streamStatuses(noRunning.messages, names), 'test_read[validate_stream_statuses]');
    throwsCat(() => read.errorTraceOnFailure(drop(readOut, (m) => m.type === 'TRACE' && m.trace.type === 'ERROR').messages), 'test_airbyte_trace_message_on_failure');
  });

  it('check: two statuses, a SUCCEEDED where FAILED is due, no trace for the exception case', () => {
    const ok = { type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } };
    throwsCat(() => read.connectionStatus([ok, ok], 'SUCCEEDED'), 'test_check');
    throwsCat(() => read.connectionStatus([ok], 'FAILED'), 'test_check');
    throwsCat(() => read.exceptionTrace([ok]), 'test_check[exception]');
  });

  it('full refresh and incremental: emitted_at not increasing, identical reads, records after a far-future state', () => {
    throwsCat(() => sync.emittedAtIncreases(readOut.messages, readOut.messages), 'test_sequential_reads');
    throwsCat(() => sync.twoSequentialReads(readOut.messages, readOut.messages), 'test_two_sequential_reads');
    throwsCat(() => sync.abnormalStateRead(readOut.messages), 'test_state_with_abnormally_large_values');
    throwsCat(() => sync.resumedFromCheckpoint(readOut.messages, drop(readOut, isRecord('streams')).messages, 1000), 'test_read_sequential_slices');
  });

  it('a line that is not an AirbyteMessage', () => {
    const bad = { lines: [...readOut.lines, '{"type":"RECORD","record":{"stream":"keys"}}'], messages: [] };
    expect(() => read.protocolValid(bad)).toThrow(CatFailure);
  });
});
