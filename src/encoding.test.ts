import { describe, expect, it } from 'vitest';
import { Row, score, stateKey, stateKeyBytes, streamFields, text } from './encoding.js';

describe('text', () => {
  it('keeps valid UTF-8 as text and names nothing', () => {
    const b64: string[] = [];
    expect(text(Buffer.from('ключ ✓ 🔑'), 'value', b64)).toBe('ключ ✓ 🔑');
    expect(text(Buffer.alloc(0), 'value', b64)).toBe('');
    expect(b64).toEqual([]);
  });

  it('turns invalid UTF-8 into base64 and names the column', () => {
    const b64: string[] = [];
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    expect(Buffer.from(text(bytes, 'member', b64), 'base64').equals(bytes)).toBe(true);
    expect(b64).toEqual(['member']);
  });

  it('treats a lone surrogate encoding and overlong forms as binary', () => {
    const b64: string[] = [];
    text(Buffer.from([0xed, 0xa0, 0x80]), 'a', b64);
    text(Buffer.from([0xc0, 0x80]), 'b', b64);
    expect(b64).toEqual(['a', 'b']);
  });
});

describe('Row', () => {
  it('adds base64_columns only when a column is binary', () => {
    expect(new Row().bytes('v', Buffer.from('x')).finish().data).toEqual({ v: 'x' });
    expect(new Row().bytes('v', Buffer.from([0xff])).finish().data).toEqual({ v: '/w==', base64_columns: ['v'] });
  });

  it('nulls a value over the limit and records SOURCE_FIELD_SIZE_LIMITATION', () => {
    const row = new Row().limitedBytes('value', Buffer.alloc(11), 10).finish();
    expect(row.data.value).toBeNull();
    expect(row.changes).toEqual([{ field: 'value', change: 'NULLED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }]);
    expect(new Row().limitedBytes('value', Buffer.alloc(10), 10).changes).toBeUndefined();
  });
});

describe('score', () => {
  it('parses finite scores exactly and returns null for infinities', () => {
    expect(score('2.5')).toBe(2.5);
    expect(score('-3.2500000000000001e-07')).toBe(-3.25e-7);
    expect(score('inf')).toBeNull();
    expect(score('-inf')).toBeNull();
  });
});

describe('stateKey', () => {
  it('round-trips text, binary and text that looks like the escape', () => {
    for (const k of [Buffer.from('orders'), Buffer.from([0xff, 0x01]), Buffer.from('b64:abc')]) {
      expect(stateKeyBytes(stateKey(k)).equals(k)).toBe(true);
    }
    expect(stateKey(Buffer.from('orders'))).toBe('orders');
    expect(stateKey(Buffer.from('b64:abc'))).toMatch(/^b64:/);
  });
});

describe('streamFields', () => {
  it('keeps duplicate field names', () => {
    expect(streamFields([Buffer.from('a'), Buffer.from('1'), Buffer.from('a'), Buffer.from('2')])).toEqual({ json: '{"a":"1","a":"2"}', base64: false });
  });

  it('base64-encodes every name and value when any is binary', () => {
    const f = streamFields([Buffer.from('n'), Buffer.from([0xff])]);
    expect(f).toEqual({ json: '{"bg==":"/w=="}', base64: true });
  });

  it('escapes quotes and control characters as JSON', () => {
    const f = streamFields([Buffer.from('q"'), Buffer.from('line\nbreak')]);
    expect(JSON.parse(f.json)).toEqual({ 'q"': 'line\nbreak' });
  });
});
