// The steps of one key-space walk, run in order even when requests are sent ahead.

/**
 * Steps one after another: a request sent ahead starts when the one before it has its reply, so
 * retries (which reconnect the clients) never run side by side. Round trips still overlap encoding.
 * Once stopped, steps not yet run fail at once, and stop() resolves when the one running ends, so nothing of
 * an ended walk reconnects a client later.
 */
export class SerialSteps {
  private last: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly step: Step) {}

  readonly run: Step = (what, fn) => {
    const guarded = () => (this.stopped ? Promise.reject(new Error('This read has ended.')) : fn());
    const run = this.last.then(
      () => this.step(what, guarded),
      () => this.step(what, guarded),
    );
    this.last = run.catch(() => undefined);
    return run;
  };

  stop(): Promise<unknown> {
    this.stopped = true;
    return this.last;
  }
}

export type Step = <T>(what: string, fn: () => Promise<T>) => Promise<T>;
