/**
 * The sync lock: one replay at a time over one Local database, across tabs and processes. A
 * Web Lock (`navigator.locks`) where the runtime has one; elsewhere a claim record in Local,
 * taken and renewed with a conditional commit (Local's atomic step decides who holds it).
 *
 * @module
 */
import { CommitConflict, type Driver } from "../../driver.ts";
import { replacing } from "../order.ts";
import { META } from "./reserved.ts";

const CLAIM = "lock";
/** A claim not renewed for this long is taken over (its holder died). */
const CLAIM_TTL = 30_000;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs critical sections one at a time over one Local. */
export interface SyncLock {
  /** Runs `fn` holding the lock; `renew` keeps a claim alive during long runs. */
  run<T>(fn: (renew: () => Promise<void>) => Promise<T>): Promise<T>;
}

/**
 * The lock for `name` (a Web Lock) or, without Web Locks, a claim record in `local`.
 *
 * @example
 * ```ts
 * const lock = syncLock("objstore-offline:notes", localDriver);
 * await lock.run(async (renew) => { await replayOne(); await renew(); });
 * ```
 */
export function syncLock(name: string, local: Driver): SyncLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks && typeof locks.request === "function") {
    return { run: (fn) => locks.request(name, () => fn(async () => {})) };
  }
  const owner = crypto.randomUUID();
  const claim = async (): Promise<boolean> => {
    const current = await local.get(META, CLAIM);
    const held = current?.value as { owner?: string; until?: number } | undefined;
    if (held && held.owner !== owner && (held.until ?? 0) > Date.now()) return false;
    const at = new Date().toISOString();
    const version = current ? String(Number(current.version) + 1) : "1";
    try {
      await local.commit([{
        op: "put",
        type: META,
        key: CLAIM,
        expect: replacing(current),
        record: { key: CLAIM, value: { owner, until: Date.now() + CLAIM_TTL }, version, created: current?.created ?? at, updated: at },
      }]);
      return true;
    } catch (e) {
      if (e instanceof CommitConflict) return false;
      throw e;
    }
  };
  const release = async () => {
    const current = await local.get(META, CLAIM);
    if ((current?.value as { owner?: string } | undefined)?.owner !== owner) return;
    await local.commit([{ op: "delete", type: META, key: CLAIM, expect: { version: current!.version } }]).catch(() => {});
  };
  return {
    async run(fn) {
      while (!(await claim())) await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        return await fn(async () => {
          if (!(await claim())) throw new Error("the sync claim was taken over");
        });
      } finally {
        await release();
      }
    },
  };
}

/**
 * One critical section at a time, in call order (within this store instance).
 *
 * @example
 * ```ts
 * const replica = mutex();
 * const value = await replica.run(() => local.get("Note", "n1"));
 * ```
 */
export function mutex(): { run<T>(fn: () => Promise<T>): Promise<T> } {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn);
      tail = result.catch(() => {});
      return result;
    },
  };
}
