import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type AirbyteMessage, type LogLevel, errorTrace, logMessage, serialize } from './messages.js';
import { redact } from './redact.js';
import { describe } from './errors.js';

/**
 * Buffer's own UTF-8 writer, without write()'s argument juggling (a quarter of the cost of a record line).
 * Present on every Node Buffer; write() itself calls it.
 */
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number };

/**
 * The single writer of stdout. Lines are encoded straight into chunk buffers and written with
 * backpressure: when the stream's buffer is full, flush() waits for 'drain', so a slow reader slows the
 * read instead of growing memory.
 */
export class Sink {
  private buf: Buffer;
  private at = 0;
  /** Chunks sealed because the next line did not fit, waiting for flush(). */
  private sealed: Buffer[] = [];

  constructor(
    private readonly out: Writable,
    private readonly chunkBytes = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(2 * chunkBytes);
  }

  /** Write a raw, already serialized line (records). */
  async line(text: string): Promise<void> {
    if (this.add(text)) await this.flush();
  }

  /**
   * Adds a line without awaiting; true when a chunk is full and flush() must be awaited before more.
   * The hot path: one await per chunk of lines, not one per record.
   */
  add(text: string): boolean {
    const most = 3 * text.length + 1; // UTF-8 bytes per UTF-16 unit are at most 3
    if (this.at + most > this.buf.length) this.seal(most);
    this.at += (this.buf as Utf8Writable).utf8Write(text, this.at);
    this.buf[this.at++] = 0x0a;
    return this.at >= this.chunkBytes || this.sealed.length > 0;
  }

  private seal(room: number): void {
    if (this.at === 0 && room <= this.buf.length) return;
    if (this.at > 0) this.sealed.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(Math.max(2 * this.chunkBytes, room));
    this.at = 0;
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
    this.seal(0);
    const chunks = this.sealed;
    this.sealed = [];
    let ok = true;
    for (const chunk of chunks) ok = this.out.write(chunk);
    if (!ok) await once(this.out, 'drain');
  }
}
