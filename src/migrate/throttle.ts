/**
 * Pacing the migration job to a rate (objects per second).
 *
 * @module
 */

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Returns a function to call after each batch with the objects done so far; it waits as long
 * as needed to keep the average at or below `rate` per second (no limit when undefined).
 *
 * @example
 * ```ts
 * const pace = throttle(1000, () => performance.now());
 * await pace(500); // waits until 0.5 s have passed since the throttle was made
 * ```
 */
export function throttle(rate: number | undefined, now: () => number, signal?: AbortSignal): (done: number) => Promise<void> {
  const start = now();
  return async (done) => {
    if (rate === undefined) return;
    const due = start + (done / rate) * 1000;
    const wait = due - now();
    if (wait > 0) await sleep(wait, signal);
  };
}
