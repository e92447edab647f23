// Several async generators read concurrently, their events merged as they come.

/** At most this many key spaces are read at once (each holds one page in memory). */
export const MAX_PARALLEL_SPACES = 16;

/**
 * Yields [source index, event] from every source, up to `limit` running at a time. Each source is
 * asked for its next event only once its previous one was taken, so none runs more than one event
 * (one page of reads) ahead of the consumer. The first failure stops the others and is thrown.
 */
export async function* mergeEvents<T>(sources: (() => AsyncGenerator<T>)[], limit = MAX_PARALLEL_SPACES): AsyncGenerator<[number, T]> {
  type Step = { i: number; r: IteratorResult<T> };
  const running = new Map<number, AsyncGenerator<T>>();
  const pending = new Map<number, Promise<Step>>();
  let started = 0;
  const ask = (i: number) => {
    const p = running.get(i)!.next().then((r) => ({ i, r }));
    p.catch(() => undefined); // observed through Promise.race; others' failures must not go unhandled
    pending.set(i, p);
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
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      pending.delete(i);
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
