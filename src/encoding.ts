// The one place where Redis bytes become JSON values.
import { isUtf8 } from 'node:buffer';
import type { FieldChange } from './protocol/messages.js';

/**
 * Redis strings are bytes. Valid UTF-8 is carried as text; anything else as standard base64, and the
 * column is named in the record's base64_columns so a consumer can decode it. Nothing is dropped.
 */
export function text(bytes: Buffer, column: string, base64Columns: string[]): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  base64Columns.push(column);
  return bytes.toString('base64');
}

/** Bytes as JSON string text, and whether that text is base64 (the bytes were not UTF-8). */
export interface JsonBytes {
  json: string;
  base64: boolean;
}

const SHORT = 64;

/** Printable ASCII without quote or backslash: the same text in JSON, escaped or not, once or twice. */
function isPlain(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) return false;
  }
  return true;
}

/**
 * The hot path of every record. Short values that are printable ASCII without quote or backslash (most
 * keys, fields and members) need no escaping and no UTF-8 decoding: one byte loop, one latin1 slice.
 */
export function jsonBytes(bytes: Buffer): JsonBytes {
  const n = bytes.length;
  if (n <= SHORT && isPlain(bytes)) return { json: '"' + bytes.toString('latin1', 0, n) + '"', base64: false };
  if (isUtf8(bytes)) return { json: JSON.stringify(bytes.toString('utf8')), base64: false };
  return { json: '"' + bytes.toString('base64') + '"', base64: true };
}

/**
 * A record's data under construction, built directly as JSON text (column order is the order of calls;
 * each column is set once), plus what the encoder learned about it: base64 columns and meta.changes.
 */
export class Row {
  private body = '';
  private base64: string[] | undefined;
  changes: FieldChange[] | undefined;

  /** Bytes as text, or base64 when they are not UTF-8. */
  bytes(column: string, value: Buffer): this {
    return this.encoded(column, jsonBytes(value));
  }

  /** Bytes encoded once with jsonBytes() and used for many rows (a collection's key name). */
  encoded(column: string, value: JsonBytes): this {
    if (value.base64) this.markBase64(column);
    return this.raw(column, value.json);
  }

  /** A value over the size limit is nulled and the change recorded, per the protocol's meta.changes. */
  limitedBytes(column: string, value: Buffer, maxBytes: number): this {
    if (value.length > maxBytes) return this.nulled(column, 'SOURCE_FIELD_SIZE_LIMITATION');
    return this.bytes(column, value);
  }

  set(column: string, value: unknown): this {
    return this.raw(column, typeof value === 'number' && Number.isFinite(value) ? String(value) : JSON.stringify(value ?? null));
  }

  /** A column whose value is already JSON text. */
  raw(column: string, json: string): this {
    this.body += (this.body.length === 0 ? '"' : ',"') + column + '":' + json;
    return this;
  }

  /** Several columns already written as JSON text (`"a":1,"b":null`), shared by the rows of a window. */
  columns(fragment: string): this {
    this.body += (this.body.length === 0 ? '' : ',') + fragment;
    return this;
  }

  nulled(column: string, reason: FieldChange['reason']): this {
    (this.changes ??= []).push({ field: column, change: 'NULLED', reason });
    return this.raw(column, 'null');
  }

  markBase64(column: string): this {
    (this.base64 ??= []).push(column);
    return this;
  }

  finish(): this {
    if (this.base64) this.raw('base64_columns', JSON.stringify(this.base64));
    return this;
  }

  /** The record's data as JSON object text. */
  get json(): string {
    return '{' + this.body + '}';
  }

  /** The record's data as an object (tests, library callers); the read path prints json instead. */
  get data(): Record<string, unknown> {
    return JSON.parse(this.json);
  }
}

/** Columns with the same values on many rows, as one JSON text fragment for Row.columns(). */
export function fixedColumns(values: Record<string, unknown>): string {
  return JSON.stringify(values).slice(1, -1);
}

/** Redis integer replies arrive as numbers; RESP bulk numbers (scores) as strings. */
export function score(raw: string): number | null {
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** State keys: UTF-8 text as is; binary (or text that starts with the escape) as "b64:" + base64, so the map is exact. */
const STATE_KEY_ESCAPE = 'b64:';

export function stateKey(bytes: Buffer): string {
  if (isUtf8(bytes)) {
    const s = bytes.toString('utf8');
    if (!s.startsWith(STATE_KEY_ESCAPE)) return s;
  }
  return STATE_KEY_ESCAPE + bytes.toString('base64');
}

export function stateKeyBytes(key: string): Buffer {
  if (key.startsWith(STATE_KEY_ESCAPE)) return Buffer.from(key.slice(STATE_KEY_ESCAPE.length), 'base64');
  return Buffer.from(key, 'utf8');
}

/**
 * A stream entry's fields as JSON object text, built by hand so that duplicate field names (XADD allows
 * them) all survive. When any name or value is not UTF-8, every name and value is base64.
 */
export function streamFields(pairs: Buffer[]): { json: string; base64: boolean } {
  let allText = true;
  for (const b of pairs) {
    if (!isUtf8(b)) {
      allText = false;
      break;
    }
  }
  const parts: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = allText ? pairs[i].toString('utf8') : pairs[i].toString('base64');
    const value = allText ? pairs[i + 1].toString('utf8') : pairs[i + 1].toString('base64');
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return { json: `{${parts.join(',')}}`, base64: !allText };
}

/** Scratch space for building a fields token: reused, grown when an entry needs more. */
let scratch = Buffer.allocUnsafe(4096);

/** Copies plain bytes into `out` between escaped quotes; -1 when they are not plain. */
function putEscapedPlain(out: Buffer, at: number, bytes: Buffer): number {
  out[at++] = 0x5c; // \"
  out[at++] = 0x22;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) return -1;
    out[at++] = b;
  }
  out[at++] = 0x5c;
  out[at++] = 0x22;
  return at;
}

/**
 * The streams table's fields column: streamFields() text as a JSON string token, and the text's length.
 * Plain names and values (the usual case) are copied byte by byte into the doubly escaped token, checked
 * on the way, and the token taken as one string; anything else goes through streamFields().
 */
export function streamFieldsColumn(pairs: Buffer[]): { token: string; length: number; base64: boolean } {
  let need = 4;
  for (let i = 0; i < pairs.length; i++) need += pairs[i].length + 5;
  if (need > scratch.length) scratch = Buffer.allocUnsafe(2 * need);
  const out = scratch;
  let at = 0;
  out[at++] = 0x22; // "{
  out[at++] = 0x7b;
  let escapes = 0;
  for (let i = 0; i + 1 < pairs.length && at >= 0; i += 2) {
    if (i > 0) out[at++] = 0x2c; // ,
    at = putEscapedPlain(out, at, pairs[i]);
    if (at < 0) break;
    out[at++] = 0x3a; // :
    at = putEscapedPlain(out, at, pairs[i + 1]);
    escapes += 4;
  }
  if (at < 0) {
    const f = streamFields(pairs);
    return { token: JSON.stringify(f.json), length: f.json.length, base64: f.base64 };
  }
  out[at++] = 0x7d; // }"
  out[at++] = 0x22;
  return { token: out.toString('latin1', 0, at), length: at - 2 - escapes, base64: false };
}
