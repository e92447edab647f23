import { describe, expect, it } from 'vitest';
import { isUtf8 } from 'node:buffer';
import { jsonBytes, Row, score, stateKey, stateKeyBytes, streamFields, streamFieldsColumn, text } from './encoding.js';

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

describe('jsonBytes', () => {
  it('gives JSON text that parses back to the exact bytes: every single byte, escapes, long and binary values', () => {
    const cases = [...Array(256).keys()].map((b) => Buffer.from([b]));
    cases.push(
      Buffer.alloc(0), Buffer.from('plain:key-1'), Buffer.from('quote " and \\ back'), Buffer.from('tab\there\nnl\u0000'),
      Buffer.from('ключ 🔑'), Buffer.from('x'.repeat(100) + '"'), Buffer.from('y'.repeat(64)), Buffer.from([0x41, 0xff]),
      Buffer.from('\u2028'), Buffer.concat([Buffer.from('z'.repeat(70)), Buffer.from([0xc0, 0x80])]),
    );
    for (const b of cases) {
      const { json, base64 } = jsonBytes(b);
      const back = JSON.parse(json);
      expect(base64 ? Buffer.from(back, 'base64') : Buffer.from(back, 'utf8')).toEqual(b);
      expect(base64).toBe(!isUtf8(b));
    }
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

describe('streamFieldsColumn', () => {
  it('is the JSON string of streamFields text, for plain, escaped, unicode and binary fields', () => {
    const cases: Buffer[][] = [
      [],
      [Buffer.from('n'), Buffer.from('1'), Buffer.from('payload'), Buffer.from('entry-1')],
      [Buffer.from('q"uote'), Buffer.from('back\\slash\n')],
      [Buffer.from('name'), Buffer.from('ключ 🔑'), Buffer.from('n'), Buffer.from('n')],
      [Buffer.from('bin'), Buffer.from([0xff, 0x00])],
    ];
    for (const pairs of cases) {
      const f = streamFields(pairs);
      const c = streamFieldsColumn(pairs);
      expect(JSON.parse(c.token)).toBe(f.json);
      expect(c.length).toBe(f.json.length);
      expect(c.base64).toBe(f.base64);
    }
  });
});
