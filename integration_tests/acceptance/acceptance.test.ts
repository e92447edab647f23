// Airbyte's Connector Acceptance Tests at high strictness, without Docker: the built CLI as a child process
// against a real redis-server seeded with the CAT fixtures. The assertions are pure functions (see *-asserts.ts),
// run against every output; teeth.test.ts proves they fail on broken output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../harness/redis-server.js';
import { lintCatalog } from './discovery-lints.js';
import { airbyte, configFor, expectedRecords, fixture, seedFixtures } from './fixtures.js';
import * as read from './read-asserts.js';
import { configMatchesSpec, lintSpec, oneSpec } from './spec-lints.js';
import * as sync from './sync-asserts.js';

let redis: RedisInstance;
let config: Record<string, unknown>;
let streams: any[];
const catalog = fixture('configured_catalog.json');
const names: string[] = catalog.streams.map((s: any) => s.stream.name);
/** CAT's incremental_only_catalog: the streams that support incremental, switched to it. */
const incrementalCatalog = {
  streams: catalog.streams
    .filter((s: any) => s.stream.supported_sync_modes.includes('incremental'))
    .map((s: any) => ({ ...s, sync_mode: 'incremental', cursor_field: s.cursor_field ?? s.stream.default_cursor_field })),
};
/** CAT's full-refresh catalog: every stream forced to full_refresh. */
const fullRefreshCatalog = { streams: catalog.streams.map((s: any) => ({ ...s, sync_mode: 'full_refresh' })) };

beforeAll(async () => {
  redis = await startRedis();
  seedFixtures(redis);
  config = configFor('sample_config.json', redis);
  streams = lintCatalog((await airbyte('discover', { config })).messages);
});
afterAll(async () => redis?.stop());

describe('spec', () => {
  it('prints one SPEC that passes every TestSpec lint, and the fixture configs validate against it', async () => {
    const spec = oneSpec((await airbyte('spec', {})).messages);
    lintSpec(spec);
    configMatchesSpec(spec, fixture('sample_config.json'));
    expect(spec).toEqual(fixture('../spec/spec.json'));
  });
});

describe('connection', () => {
  it('succeed: exactly one CONNECTION_STATUS SUCCEEDED', async () => {
    read.connectionStatus((await airbyte('check', { config })).messages, 'SUCCEEDED');
  });
  it('failed: exactly one CONNECTION_STATUS FAILED for a wrong password', async () => {
    const r = await airbyte('check', { config: configFor('invalid_config.json', redis) });
    read.connectionStatus(r.messages, 'FAILED');
    // The server's default user is open: a failed AUTH must still fail, and say why.
    expect(r.messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus.message).toMatch(/^Authentication failed for user 'cat-no-such-user'/);
    expect(r.stdout).not.toContain('not-the-password');
  });
  it('exception: exactly one TRACE with error.message for a config the spec rejects', async () => {
    read.exceptionTrace((await airbyte('check', { config: fixture('exception_config.json') })).messages);
  });
});

describe('discovery', () => {
  it('catalog lints pass, with eight streams and the cursor on streams', () => {
    expect(streams.map((s) => s.name)).toEqual(names);
    expect(streams.find((s) => s.name === 'streams')).toMatchObject({ supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['entry_id'] });
  });
});

describe('basic_read', () => {
  it('reads every stream: schemas, keys, expected records, states, statuses', async () => {
    const r = await airbyte('read', { config, catalog });
    expect(r.code).toBe(0);
    read.everyStreamHasRecords(r.messages, names);
    read.recordsMatchSchemas(r, streams);
    read.primaryKeyValues(r.messages, streams);
    read.expectedRecordsPresent(r.messages, expectedRecords(), streams);
    read.expectedValuesMatch(r.messages, expectedRecords(), streams);
    read.stateMessages(r.messages, names.length);
    read.streamStatuses(r.messages, names);
  });
  it('a bogus catalog gives an ERROR trace', async () => {
    const r = await airbyte('read', { config, catalog: read.BOGUS_CATALOG });
    read.errorTraceOnFailure(r.messages);
    expect(r.code).not.toBe(0);
  });
});

describe('full_refresh', () => {
  it('two sequential reads: every emitted_at of read 2 is after read 1', async () => {
    const r1 = await airbyte('read', { config, catalog: fullRefreshCatalog });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const r2 = await airbyte('read', { config, catalog: fullRefreshCatalog });
    sync.emittedAtIncreases(r1.messages, r2.messages);
    read.stateMessages(r2.messages, names.length);
  });
});

describe('incremental', () => {
  it('two sequential reads differ (read 2 from the state CAT rebuilds from read 1)', async () => {
    const r1 = await airbyte('read', { config, catalog: incrementalCatalog });
    const r2 = await airbyte('read', { config, catalog: incrementalCatalog, state: sync.stateInputFrom(r1.messages) });
    sync.twoSequentialReads(r1.messages, r2.messages);
    expect(read.recordsOf(r2.messages)).toEqual([]);
  });

  it('every sampled checkpoint with records resumes with at least the records after it', async () => {
    for (const stream of incrementalCatalog.streams) {
      const one = { streams: [stream] };
      const r1 = await airbyte('read', { config, catalog: one });
      const checkpoints = sync.sampledCheckpoints(sync.statesOf(r1.messages));
      // batch_size 2 over 8 entries gives several checkpoints, so CAT samples intermediate ones.
      expect(checkpoints.length).toBeGreaterThanOrEqual(2);
      const soFar = new Map<string, any>();
      for (const [checkpoint, expected] of checkpoints) {
        const rN = await airbyte('read', { config, catalog: one, state: sync.checkpointStateInput(checkpoint, soFar) });
        sync.resumedFromCheckpoint(r1.messages, rN.messages, expected);
      }
    }
  });

  it('sample_state resumes after the entry it names', async () => {
    const r = await airbyte('read', { config, catalog: incrementalCatalog, state: fixture('sample_state.json') });
    const ids = read.recordsOf(r.messages).map((x) => `${x.data.key_name} ${x.data.entry_id}`).sort();
    expect(ids).toEqual([
      'cat:stream:events 1700000001000-1', 'cat:stream:events 1700000001000-2', 'cat:stream:events 1700000001000-3',
      'cat:stream:orders 1700000000000-4', 'cat:stream:orders 1700000000000-5',
    ]);
  });

  it('the abnormal (far-future) state yields no records and at least one STATE', async () => {
    const r = await airbyte('read', { config, catalog: incrementalCatalog, state: fixture('abnormal_state.json') });
    sync.abnormalStateRead(r.messages);
    expect(r.code).toBe(0);
  });
});
