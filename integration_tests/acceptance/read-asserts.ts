// CAT TestConnection and TestBasicRead (test_core.py) as pure functions over a run's stdout.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { protocolProblems } from '../harness/protocol.js';
import { fail } from './walk.js';

export interface Output {
  lines: string[];
  messages: any[];
}

/** Every stdout line is one valid AirbyteMessage (official protocol schema). */
export function protocolValid(out: Output): void {
  fail('protocol', protocolProblems(out.lines));
}

export function connectionStatus(messages: any[], status: 'SUCCEEDED' | 'FAILED'): void {
  const statuses = messages.filter((m) => m.type === 'CONNECTION_STATUS');
  fail('test_check', statuses.length === 1 && statuses[0].connectionStatus.status === status ? [] : [
    `expected exactly 1 CONNECTION_STATUS ${status}, got ${JSON.stringify(statuses.map((s) => s.connectionStatus))}`,
  ]);
}

/** The `exception` case: exactly one TRACE (of any type), and it carries error.message. */
export function exceptionTrace(messages: any[]): void {
  const traces = messages.filter((m) => m.type === 'TRACE');
  fail('test_check[exception]', traces.length === 1 && typeof traces[0].trace.error?.message === 'string' ? [] : [
    `expected exactly 1 TRACE with error.message, got ${JSON.stringify(traces.map((t) => t.trace))}`,
  ]);
}

/**
 * CAT parses records with Python, where 1.0 is a float and not an integer. JSON.parse cannot tell, so number
 * tokens written with a fraction or exponent that hold an integral value are nudged by 0.5: still numbers,
 * never integers. Strings are skipped whole.
 */
export function parseStrict(line: string): any {
  const nudged = line.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (tok) => {
    if (tok.startsWith('"') || !/[.eE]/.test(tok)) return tok;
    return Number.isInteger(Number(tok)) ? String(Number(tok) + 0.5) : tok;
  });
  return JSON.parse(nudged);
}

const DATE_TIME = /^\d{4}-\d?\d-\d?\d(\s|T)\d?\d:\d?\d:\d?\d(.\d+)?.*$/;

function validators(streams: any[]): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // CAT's date-time: its own pattern, and the value must parse.
  ajv.addFormat('date-time', (v: string) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))));
  return new Map(streams.map((s) => [s.name, ajv.compile(s.json_schema)]));
}

function fieldPaths(node: any, prefix = ''): string[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => [prefix + k, ...fieldPaths(v, `${prefix}${k}/`)]);
}

function schemaPaths(schema: any, prefix = ''): string[] {
  return Object.entries<any>(schema?.properties ?? {}).flatMap(([k, v]) => [prefix + k, ...schemaPaths(v, `${prefix}${k}/`)]);
}

/** validate_schema: each record validates (strict integers, CAT's date-time) and shares a field with its schema. */
export function recordsMatchSchemas(out: Output, streams: any[]): void {
  const validate = validators(streams);
  const problems: string[] = [];
  for (const line of out.lines) {
    const message = parseStrict(line);
    if (message.type !== 'RECORD') continue;
    const { record } = message;
    const v = validate.get(record.stream);
    if (!v) {
      problems.push(`record of unknown stream ${record.stream}`);
      continue;
    }
    if (!v(record.data)) problems.push(`${record.stream} record ${JSON.stringify(record.data).slice(0, 200)}: ${JSON.stringify(v.errors)}`);
    const known = new Set(schemaPaths(streams.find((s) => s.name === record.stream).json_schema));
    if (!fieldPaths(record.data).some((p) => known.has(p))) problems.push(`${record.stream} record shares no field with its schema`);
  }
  fail('test_read[validate_schema]', problems);
}

export const recordsOf = (messages: any[], stream?: string) =>
  messages.filter((m) => m.type === 'RECORD' && (stream === undefined || m.record.stream === stream)).map((m) => m.record);

/** test_read: at least one record, and records for every configured stream (no empty_streams here). */
export function everyStreamHasRecords(messages: any[], names: string[]): void {
  const records = recordsOf(messages);
  fail('test_read', [
    ...(records.length === 0 ? ['no records at all'] : []),
    ...names.filter((n) => !records.some((r) => r.stream === n)).map((n) => `stream ${n} produced no records`),
  ]);
}

const pkOf = (data: any, pk: string[][]) => pk.map((path) => path.reduce((o, k) => o?.[k], data));

/** validate_primary_keys_data_type: every primary key part is present, not null, not a list or dict. */
export function primaryKeyValues(messages: any[], streams: any[]): void {
  const problems: string[] = [];
  for (const r of recordsOf(messages)) {
    const pk = streams.find((s) => s.name === r.stream)?.source_defined_primary_key ?? [];
    for (const v of pkOf(r.data, pk)) {
      if (v === null || v === undefined || typeof v === 'object') problems.push(`${r.stream} key value ${JSON.stringify(v)}`);
    }
  }
  fail('test_read[validate_primary_keys_data_type]', problems);
}

/** expect_records (exact_order: no): with a source-defined key, every expected key is in the output. */
export function expectedRecordsPresent(messages: any[], expected: any[], streams: any[]): void {
  const problems: string[] = [];
  for (const s of streams) {
    const pk = s.source_defined_primary_key;
    const actual = new Set(recordsOf(messages, s.name).map((r) => JSON.stringify(pkOf(r.data, pk))));
    for (const e of expected.filter((x) => x.stream === s.name)) {
      const key = JSON.stringify(pkOf(e.data, pk));
      if (!actual.has(key)) problems.push(`${s.name}: expected record with key ${key} is missing`);
    }
  }
  fail('test_read[expect_records]', problems);
}

/** Beyond CAT: the fields an expected record names have exactly those values in the record with its key. */
export function expectedValuesMatch(messages: any[], expected: any[], streams: any[]): void {
  const problems: string[] = [];
  for (const e of expected) {
    const pk = streams.find((s) => s.name === e.stream).source_defined_primary_key;
    const key = JSON.stringify(pkOf(e.data, pk));
    const r = recordsOf(messages, e.stream).find((x) => JSON.stringify(pkOf(x.data, pk)) === key);
    for (const [field, value] of Object.entries(e.data)) {
      if (JSON.stringify(r?.data[field]) !== JSON.stringify(value)) {
        problems.push(`${e.stream} ${key}.${field}: expected ${JSON.stringify(value)}, got ${JSON.stringify(r?.data[field])}`);
      }
    }
  }
  fail('expected values', problems);
}

/** validate_state_messages: #STATE >= #streams, each STREAM-typed with a name and sourceStats. */
export function stateMessages(messages: any[], streamCount: number): void {
  const states = messages.filter((m) => m.type === 'STATE');
  const problems = states.length < streamCount ? [`${states.length} STATE messages for ${streamCount} streams`] : [];
  states.forEach((m, i) => {
    if (m.state.type !== 'STREAM' || typeof m.state.stream?.stream_descriptor?.name !== 'string') problems.push(`STATE ${i} is not a named STREAM state`);
    if (!m.state.sourceStats || typeof m.state.sourceStats.recordCount !== 'number') problems.push(`STATE ${i} has no sourceStats.recordCount`);
  });
  fail('test_read[validate_state_messages]', problems);
}

/** validate_stream_statuses: per stream STARTED, RUNNING..., COMPLETE (at least three). */
export function streamStatuses(messages: any[], names: string[]): void {
  const problems: string[] = [];
  for (const name of names) {
    const seq = messages
      .filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === name)
      .map((m) => m.trace.stream_status.status);
    const ok = seq.length >= 3 && seq[0] === 'STARTED' && seq.at(-1) === 'COMPLETE' && seq.slice(1, -1).every((s) => s === 'RUNNING');
    if (!ok) problems.push(`${name}: ${seq.join(',') || 'no statuses'}`);
  }
  fail('test_read[validate_stream_statuses]', problems);
}

/** test_airbyte_trace_message_on_failure: a read of a bogus catalog gives at least one ERROR trace. */
export function errorTraceOnFailure(messages: any[]): void {
  const errors = messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  fail('test_airbyte_trace_message_on_failure', errors.length >= 1 ? [] : ['no ERROR trace']);
}

/** The catalog CAT sends for test_airbyte_trace_message_on_failure. */
export const BOGUS_CATALOG = {
  streams: [
    {
      stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: { type: 'object', properties: { f1: { type: 'string' } } }, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'INVALID',
      destination_sync_mode: 'INVALID',
    },
  ],
};
