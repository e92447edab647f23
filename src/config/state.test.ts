import { describe, expect, it } from 'vitest';
import { parseState } from './state.js';

describe('parseState', () => {
  it('reads the array of STREAM states Airbyte passes', () => {
    const s = parseState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'streams' }, stream_state: { last_entry_ids: { a: '1-1' } } } }]);
    expect(s.get('streams')).toEqual({ last_entry_ids: { a: '1-1' } });
  });

  it('reads LEGACY states, typed or bare', () => {
    expect(parseState({ type: 'LEGACY', data: { streams: { x: 1 } } }).get('streams')).toEqual({ x: 1 });
    expect(parseState([{ data: { keys: {} } }]).get('keys')).toEqual({});
    expect(parseState({ streams: { last_entry_ids: {} } }).get('streams')).toEqual({ last_entry_ids: {} });
  });

  it("maps the Lakeflow offset to a floor for every stream key", () => {
    expect(parseState({ entry_id: '1700000000000-3' }).get('streams')).toEqual({ after_entry_id: '1700000000000-3' });
  });

  it('treats null, {} and [] as no state', () => {
    for (const empty of [null, {}, []]) expect(parseState(empty).size).toBe(0);
  });

  it('refuses malformed states, naming where', () => {
    expect(() => parseState([{ type: 'STREAM', stream: {} }])).toThrow(/state\[0\]\.stream\.stream_descriptor\.name/);
    expect(() => parseState([{ type: 'GLOBAL', global: {} }])).toThrow(/GLOBAL/);
    expect(() => parseState([{ type: 'BOGUS' }])).toThrow(/state\[0\]\.type must be STREAM or LEGACY/);
    expect(() => parseState('text')).toThrow(/JSON array/);
    expect(() => parseState({ entry_id: 'soon' })).toThrow(/entry_id must be a stream entry ID/);
  });
});
