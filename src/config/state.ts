import { ConfigError } from '../protocol/errors.js';
import { isEntryId } from '../tables/entry-id.js';

/** The saved state per stream name, as the stream_state blobs the connector emitted. */
export type InputState = Map<string, Record<string, unknown>>;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fromMessage(m: unknown, i: number, out: InputState): void {
  const where = `state[${i}]`;
  if (!isObject(m)) throw new ConfigError(`Malformed state: ${where} must be an object (an AirbyteStateMessage).`);
  const type = m.type ?? (m.data !== undefined ? 'LEGACY' : undefined);
  if (type === 'STREAM') {
    const stream = m.stream;
    if (!isObject(stream) || !isObject(stream.stream_descriptor) || typeof stream.stream_descriptor.name !== 'string') {
      throw new ConfigError(`Malformed state: ${where}.stream.stream_descriptor.name must be a stream name.`);
    }
    const blob = stream.stream_state ?? {};
    if (!isObject(blob)) throw new ConfigError(`Malformed state: ${where}.stream.stream_state must be an object.`);
    out.set(stream.stream_descriptor.name, blob);
    return;
  }
  if (type === 'LEGACY') return fromLegacy(m.data, `${where}.data`, out);
  if (type === 'GLOBAL') {
    throw new ConfigError(
      `Malformed state: ${where} is a GLOBAL state, which this connector never emits; pass the per-stream (STREAM) states it emitted.`,
    );
  }
  throw new ConfigError(`Malformed state: ${where}.type must be STREAM or LEGACY (got ${JSON.stringify(type)?.slice(0, 40)}).`);
}

/** LEGACY: one blob keyed by stream name. */
function fromLegacy(data: unknown, where: string, out: InputState): void {
  if (!isObject(data)) throw new ConfigError(`Malformed state: ${where} must be an object keyed by stream name.`);
  for (const [name, blob] of Object.entries(data)) {
    if (!isObject(blob)) throw new ConfigError(`Malformed state: ${where}.${name} must be an object.`);
    out.set(name, blob);
  }
}

/**
 * Accepts what Airbyte and its predecessors pass with --state: an array of STREAM (or LEGACY) state
 * messages, a single message, a bare LEGACY blob keyed by stream name, or the Lakeflow connector's
 * {"entry_id": "..."} offset (applied to every stream key of the streams table).
 */
export function parseState(raw: unknown): InputState {
  const out: InputState = new Map();
  if (raw === null || (isObject(raw) && Object.keys(raw).length === 0)) return out;
  if (Array.isArray(raw)) {
    raw.forEach((m, i) => fromMessage(m, i, out));
    return out;
  }
  if (!isObject(raw)) throw new ConfigError('Malformed state: the state file must hold a JSON array of state messages.');
  if ('entry_id' in raw) {
    if (!isEntryId(raw.entry_id)) {
      throw new ConfigError(`Malformed state: entry_id must be a stream entry ID like "1700000000000-0" (got ${JSON.stringify(raw.entry_id)?.slice(0, 40)}).`);
    }
    out.set('streams', { after_entry_id: raw.entry_id });
    return out;
  }
  if ('type' in raw || 'stream' in raw) {
    fromMessage(raw, 0, out);
    return out;
  }
  fromLegacy(raw, 'state', out);
  return out;
}
