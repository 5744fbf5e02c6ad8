/**
 * The retry loop both SQL drivers run a step in: the database rolled the step back for a lock
 * (busy, deadlock, serialization failure), so it is run again with jittered backoff until a
 * deadline.
 *
 * @module
 */

/**
 * Runs `fn`, again while `retryable` says its error was a rolled-back step, for at most `ms`.
 *
 * @example
 * ```ts
 * const rows = await retryWhileLocked((e) => isBusy(e), 10_000, () => client.execute(statement));
 * ```
 */
export async function retryWhileLocked<T>(retryable: (error: unknown) => boolean, ms: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    try {
      return await fn();
    } catch (e) {
      if (!retryable(e) || Date.now() >= deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    }
  }
}
