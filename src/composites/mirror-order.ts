/**
 * Ordering of the Migrating store's mirrors: per object, not global, so writers of different
 * objects never wait for each other's mirror, while two mirrors of one object reach To in the
 * order their From commits finished.
 *
 * @module
 */
import type { Write } from "../driver.ts";

/** Runs mirrors in per-object order; `idle()` resolves when none is pending. */
export interface MirrorOrder {
  /** Runs `fn` after every earlier mirror that touched one of the objects of `writes` (a truncate: any object of its type). */
  after<T>(writes: Write[], fn: () => Promise<T>): Promise<T>;
  idle(): Promise<void>;
}

/**
 * A new, empty ordering.
 *
 * @example
 * ```ts
 * const order = mirrorOrder();
 * await order.after(writes, () => to.commit(writes));
 * ```
 */
export function mirrorOrder(): MirrorOrder {
  /** type -> key -> the last mirror touching that object. */
  const byKey = new Map<string, Map<string, Promise<unknown>>>();
  /** type -> the last mirror truncating it. */
  const byType = new Map<string, Promise<unknown>>();
  const pending = new Set<Promise<unknown>>();

  return {
    after(writes, fn) {
      const waits: Promise<unknown>[] = [];
      for (const w of writes) {
        const truncate = byType.get(w.type);
        if (truncate) waits.push(truncate);
        const keys = byKey.get(w.type);
        if (w.op === "truncate") waits.push(...(keys?.values() ?? []));
        else if (keys?.has(w.key)) waits.push(keys.get(w.key)!);
      }
      const result = (waits.length > 0 ? Promise.all(waits).then(fn) : fn());
      const settled = result.then(() => {}, () => {});
      pending.add(settled);
      for (const w of writes) {
        if (w.op === "truncate") {
          // Later mirrors of the type wait for the truncate, which waited for everything before.
          byKey.delete(w.type);
          byType.set(w.type, settled);
        } else {
          let keys = byKey.get(w.type);
          if (!keys) byKey.set(w.type, keys = new Map());
          keys.set(w.key, settled);
        }
      }
      void settled.then(() => {
        pending.delete(settled);
        for (const w of writes) {
          if (w.op === "truncate") {
            if (byType.get(w.type) === settled) byType.delete(w.type);
            continue;
          }
          const keys = byKey.get(w.type);
          if (keys?.get(w.key) === settled) keys.delete(w.key);
          if (keys?.size === 0) byKey.delete(w.type);
        }
      });
      return result;
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
