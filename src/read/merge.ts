// Several async generators read concurrently, their events merged as they come.

/** At most this many key spaces are read at once (each holds one page in memory). */
export const MAX_PARALLEL_SPACES = 16;

type Settled<T> = { i: number; r?: IteratorResult<T>; e?: unknown };

/**
 * Yields [source index, event] from every source, up to `limit` running at a time. Each source is
 * asked for its next event only once its previous one was taken, so none runs more than one event
 * (one page of reads) ahead of the consumer. The first failure stops the others and is thrown.
 * Settled results queue up and wake the consumer (no Promise.race, whose reactions pile up on slow sources).
 */
export async function* mergeEvents<T>(sources: (() => AsyncGenerator<T>)[], limit: number = MAX_PARALLEL_SPACES): AsyncGenerator<[number, T]> {
  const running = new Map<number, AsyncGenerator<T>>();
  const settled: Settled<T>[] = [];
  let wake: (() => void) | undefined;
  let started = 0;
  const ask = (i: number) => {
    running.get(i)!.next().then(
      (r) => settled.push({ i, r }),
      (e) => settled.push({ i, e }),
    ).finally(() => {
      wake?.();
      wake = undefined;
    });
  };
  const startMore = () => {
    while (running.size < limit && started < sources.length) {
      const i = started++;
      running.set(i, sources[i]());
      ask(i);
    }
  };
  try {
    startMore();
    while (running.size > 0) {
      if (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const { i, r, e } = settled.shift()!;
      if (e !== undefined || !r) {
        running.delete(i);
        throw e;
      }
      if (r.done) {
        running.delete(i);
        startMore();
        continue;
      }
      yield [i, r.value];
      ask(i);
    }
  } finally {
    // Stops the rest (on failure, or when the consumer stops early); a source mid-step finishes that step.
    await Promise.allSettled([...running.values()].map((g) => g.return(undefined)));
  }
}
