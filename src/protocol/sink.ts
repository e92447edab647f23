import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type AirbyteMessage, type LogLevel, errorTrace, logMessage, serialize } from './messages.js';
import { redact } from './redact.js';
import { describe } from './errors.js';

/**
 * The single writer of stdout. Lines are gathered into chunks and written with backpressure: when the
 * stream's buffer is full, write() waits for 'drain', so a slow reader slows the read instead of
 * growing memory.
 */
export class Sink {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly out: Writable,
    private readonly chunkBytes = 64 * 1024,
  ) {}

  /** Write a raw, already serialized line (records). */
  async line(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length + 1;
    if (this.size >= this.chunkBytes) await this.flush();
  }

  async emit(message: AirbyteMessage): Promise<void> {
    await this.line(serialize(message));
  }

  async log(level: LogLevel, message: string): Promise<void> {
    await this.emit(logMessage(level, redact(message)));
  }

  async error(err: unknown, stream?: string): Promise<void> {
    const d = describe(err);
    await this.emit(
      errorTrace(redact(d.message), d.failureType, {
        internal: d.internal ? redact(d.internal) : undefined,
        // Only unexpected failures carry a stack: a config or transient error is fully said by its message.
        stack: d.stack && d.failureType === 'system_error' ? redact(d.stack) : undefined,
        stream,
      }),
    );
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('\n') + '\n';
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
