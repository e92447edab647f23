import { describe, expect, it } from 'vitest';
import { Row } from '../encoding.js';
import { recordLine, serialize, streamState } from './messages.js';
import { redact, registerSecret } from './redact.js';

describe('messages', () => {
  it('prints recordCount with a decimal point', () => {
    expect(serialize(streamState('keys', { a: 1 }, 3))).toContain('"sourceStats":{"recordCount":3.0}');
  });

  it('builds a record line that parses back to the same record', () => {
    const data = new Row().bytes('key_name', Buffer.from('k"1')).nulled('value', 'SOURCE_FIELD_SIZE_LIMITATION').finish();
    const line = recordLine('"strings"', data.json, 5, [{ field: 'value', change: 'NULLED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }]);
    expect(JSON.parse(line)).toEqual({
      type: 'RECORD',
      record: { stream: 'strings', data: { key_name: 'k"1', value: null }, emitted_at: 5, meta: { changes: [{ field: 'value', change: 'NULLED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }] } },
    });
  });

  it('redacts registered secrets wherever they appear', () => {
    registerSecret('hunter22');
    expect(redact('AUTH hunter22 failed; hunter22 again')).toBe('AUTH ********** failed; ********** again');
  });
});
