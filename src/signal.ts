/**
 * Cancellation with `AbortSignal`: checking the option, racing a call against its signal, and
 * combining a caller's signal with a timeout.
 *
 * @module
 */
import { unexpected } from "./validate.ts";

/**
 * Validates a `signal` option: an `AbortSignal` or undefined.
 *
 * @example
 * ```ts
 * const signal = checkSignal(options?.signal, "get options");
 * ```
 */
export function checkSignal(signal: unknown, what: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const s = signal as AbortSignal;
  if (typeof s !== "object" || s === null || typeof s.aborted !== "boolean" || typeof s.addEventListener !== "function") {
    throw unexpected(`signal in ${what}`, "an AbortSignal", signal);
  }
  return s;
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts
 * (at once when it already has). A rejection of the abandoned promise is swallowed.
 *
 * @example
 * ```ts
 * const record = await untilAborted(driver.get(type, key, { signal }), signal);
 * ```
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error) => (signal.removeEventListener("abort", onAbort), reject(signal.aborted ? signal.reason : error)),
    );
  });
}

/**
 * Iterates `source`, rejecting with `signal.reason` as soon as the signal aborts (the source is
 * then closed).
 *
 * @example
 * ```ts
 * for await (const record of iterateUntilAborted(driver.scan(type, terms, { signal }), signal)) console.log(record.key);
 * ```
 */
export async function* iterateUntilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncIterable<T> {
  if (!signal) return yield* source;
  signal.throwIfAborted();
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const step = await untilAborted(iterator.next(), signal);
      if (step.done) return void (finished = true);
      yield step.value;
      signal.throwIfAborted();
    }
  } finally {
    if (!finished) iterator.return?.()?.catch(() => {});
  }
}

/**
 * A signal that aborts when any of `signals` does, with its reason (`AbortSignal.any` where
 * the runtime has it).
 *
 * @example
 * ```ts
 * const both = anySignal([callerSignal, timeoutController.signal]);
 * ```
 */
export function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const native = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (typeof native === "function") return native.call(AbortSignal, present);
  const controller = new AbortController();
  // The first to abort decides: aborting again keeps the reason, and the controller's own
  // signal removes the other listeners (and adds none once it has aborted).
  for (const s of present) {
    const abort = () => controller.abort(s.reason);
    if (s.aborted) abort();
    else s.addEventListener("abort", abort, { signal: controller.signal });
  }
  return controller.signal;
}
