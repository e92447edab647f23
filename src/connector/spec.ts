import { loadSpec } from '../config/spec.js';
import { specMessage } from '../protocol/messages.js';
import type { Sink } from '../protocol/sink.js';

export async function spec(sink: Sink): Promise<number> {
  await sink.emit(specMessage(loadSpec()));
  return 0;
}
