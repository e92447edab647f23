// Airbyte protocol v0.18 message shapes and constructors. Everything printed on stdout is built here.

export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export interface FieldChange {
  field: string;
  change: 'NULLED' | 'TRUNCATED';
  reason: 'SOURCE_FIELD_SIZE_LIMITATION' | 'SOURCE_SERIALIZATION_ERROR' | 'SOURCE_RECORD_SIZE_LIMITATION' | 'SOURCE_RETRIEVAL_ERROR';
}

export type AirbyteMessage = Record<string, unknown> & { type: string };

export function specMessage(spec: object): AirbyteMessage {
  return { type: 'SPEC', spec };
}

export function catalogMessage(streams: object[]): AirbyteMessage {
  return { type: 'CATALOG', catalog: { streams } };
}

export function connectionStatus(status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage {
  return { type: 'CONNECTION_STATUS', connectionStatus: message === undefined ? { status } : { status, message } };
}

export function logMessage(level: LogLevel, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export function streamStatus(stream: string, status: StreamStatus): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: stream }, status } },
  };
}

export function errorTrace(
  message: string,
  failureType: FailureType,
  opts: { internal?: string; stack?: string; stream?: string } = {},
): AirbyteMessage {
  const error: Record<string, unknown> = { message, failure_type: failureType };
  if (opts.internal) error.internal_message = opts.internal;
  if (opts.stack) error.stack_trace = opts.stack;
  if (opts.stream) error.stream_descriptor = { name: opts.stream };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error } };
}

export function estimateTrace(stream: string, rowEstimate: number, byteEstimate?: number): AirbyteMessage {
  const estimate: Record<string, unknown> = { name: stream, type: 'STREAM', row_estimate: Math.round(rowEstimate) };
  if (byteEstimate !== undefined) estimate.byte_estimate = Math.round(byteEstimate);
  return { type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate } };
}

/** STREAM state; recordCount is a float per the protocol ("should always have a decimal point"). */
export function streamState(stream: string, state: object, recordCount: number): AirbyteMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: state },
      sourceStats: { recordCount },
    },
  };
}

/**
 * A RECORD line built by hand around data already encoded as JSON text (Row.json): the envelope is fixed.
 * This is the hot path of every read.
 */
export function recordLine(streamJson: string, dataJson: string, emittedAt: number, changes?: FieldChange[]): string {
  const meta = changes && changes.length > 0 ? ',"meta":{"changes":' + JSON.stringify(changes) + '}' : '';
  return '{"type":"RECORD","record":{"stream":' + streamJson + ',"data":' + dataJson + ',"emitted_at":' + emittedAt + meta + '}}';
}

/** recordCount must print as a float ("3.0") for strict protocol readers; JSON.stringify prints 3. */
export function serialize(message: AirbyteMessage): string {
  const text = JSON.stringify(message);
  if (message.type !== 'STATE') return text;
  return text.replace(/"sourceStats":\{"recordCount":(\d+)\}/, '"sourceStats":{"recordCount":$1.0}');
}
