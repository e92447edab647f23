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

/** A row under construction: the data object plus what the encoder learned about it. */
export class Row {
  readonly data: Record<string, unknown> = {};
  readonly base64: string[] = [];
  changes: FieldChange[] | undefined;

  bytes(column: string, value: Buffer): this {
    this.data[column] = text(value, column, this.base64);
    return this;
  }

  /** A value over the size limit is nulled and the change recorded, per the protocol's meta.changes. */
  limitedBytes(column: string, value: Buffer, maxBytes: number): this {
    if (value.length > maxBytes) return this.nulled(column, 'SOURCE_FIELD_SIZE_LIMITATION');
    return this.bytes(column, value);
  }

  set(column: string, value: unknown): this {
    this.data[column] = value;
    return this;
  }

  nulled(column: string, reason: FieldChange['reason']): this {
    this.data[column] = null;
    (this.changes ??= []).push({ field: column, change: 'NULLED', reason });
    return this;
  }

  finish(): this {
    if (this.base64.length > 0) this.data.base64_columns = this.base64;
    return this;
  }
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
