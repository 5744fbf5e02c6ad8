/**
 * The Migrating store: reads from `From`; every commit goes to `From` first (the source of
 * truth) and the committed records are then mirrored to `To` with the same version, created
 * and updated, checked against `From` again so that mirrors of several processes never leave an
 * older state in `To` (mirror-sync.ts). A `To` failure never blocks or undoes `From`: it is
 * counted and reported, and the migration job repairs it.
 *
 * @module
 */
import type { Driver, DriverRecord, Expect, Write } from "../driver.ts";
import type { ObjectStore } from "../types.ts";
import { mirrorOrder } from "./mirror-order.ts";
import { mirrorCommit } from "./mirror-sync.ts";

/** A mirror write to `To` that failed; `From` holds the truth and the migration job repairs it. */
export interface MirrorFailure {
  /** The objects the failed mirror touched (`key` is absent for a truncate). */
  objects: { type: string; key?: string }[];
  /** What `To` threw. */
  cause: unknown;
}

/** Counters of the mirror to `To`. */
export interface MirrorStats {
  /** Commits mirrored to `To`. */
  mirrored: number;
  /** Commits whose mirror to `To` failed (reported to `onMirrorError`). */
  failures: number;
}

/** Options of {@link migratingDriver}. */
export interface MigratingOptions {
  /** Called for every commit whose mirror to `To` failed. Errors it throws are ignored. */
  onMirrorError?: (failure: MirrorFailure) => void;
  /**
   * How long a commit waits for its mirror, in ms. A mirror taking longer goes on in the
   * background, and later commits stop waiting for To until every pending mirror is done.
   * @default 10000
   */
  mirrorTimeout?: number;
  /**
   * Most mirrors pending while To is slow; beyond it a mirror is dropped and reported as a
   * failure (the migration job repairs it). @default 10000
   */
  maxPendingMirrors?: number;
}

/** A Migrating driver, with its mirror counters. */
export interface MigratingDriver extends Driver {
  /** Mirror counters since the store was created. */
  stats(): MirrorStats;
}

/**
 * What `createObjectStoreInstance` returns for `{"Type":"Migrating",...}`: a store with `stats()`.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance(migratingConfig) as MigratingObjectStore;
 * if (store.stats().failures > 0) console.warn("run objstore migrate to repair To");
 * ```
 */
export interface MigratingObjectStore extends ObjectStore {
  /** Mirror counters since the store was created. */
  stats(): MirrorStats;
}

/**
 * A driver that reads `from` and writes `from`, then `to`.
 *
 * @example
 * ```ts
 * const store = createStore(migratingDriver(memoryDriver(), memoryDriver(), { onMirrorError: console.error }));
 * await store.save("Person", "ann", { name: "Ann" }); // in From, then in To with the same version
 * ```
 */
export function migratingDriver(from: Driver, to: Driver, options: MigratingOptions = {}): MigratingDriver {
  const stats: MirrorStats = { mirrored: 0, failures: 0 };
  // Mirrors of one object run in the order their From commits finished, so a later state of an
  // object never reaches To before an earlier one; mirrors of different objects run at once.
  const order = mirrorOrder();
  const timeout = options.mirrorTimeout ?? 10_000;
  const maxPending = options.maxPendingMirrors ?? 10_000;
  let pending = 0;
  // Set when a mirror outlived `timeout`: commits stop waiting until To has caught up.
  let stalled = false;

  const fail = (writes: Write[], cause: unknown) => {
    stats.failures++;
    const objects = writes.map((w) => (w.op === "truncate" ? { type: w.type } : { type: w.type, key: w.key }));
    try {
      options.onMirrorError?.({ objects, cause });
    } catch {
      // A failing listener must not turn a committed write into an error.
    }
  };

  const mirror = async (writes: Write[]) => {
    if (pending >= maxPending) return fail(writes, new Error(`To is not keeping up: ${pending} mirrors pending, this one was dropped`));
    pending++;
    const run = order.after(writes, () => mirrorCommit(from, to, writes));
    const done = run.then(() => void stats.mirrored++, (cause) => fail(writes, cause)).finally(() => {
      if (--pending === 0) stalled = false;
    });
    if (stalled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeout)));
    if (await Promise.race([done.then(() => false), late])) stalled = true;
    clearTimeout(timer);
  };

  return {
    kind: "Migrating",
    get: (type, key, options) => from.get(type, key, options),
    page: (type, request, options) => from.page(type, request, options),
    scan: (type, terms, options) => from.scan(type, terms, options),
    types: (options) => from.types(options),

    // Resolves once the mirror is done (or failed, or outlived `mirrorTimeout`); it never
    // rejects for To.
    async commit(writes) {
      // mirrorCommit gives To its own copies of the records (From owns the ones it is given).
      const mirrored = writes.map(toMirror);
      await from.commit(writes);
      await mirror(mirrored);
    },

    // From's one-step versioned replace, when it has one; the full record is then mirrored.
    ...(from.replace
      ? {
        async replace(type: string, key: string, version: string, record: Omit<DriverRecord, "created">) {
          const created = await from.replace!(type, key, version, record);
          await mirror([{ op: "put", type, key, expect: { version }, record: { ...record, created } }]);
          return created;
        },
      }
      : {}),

    async close() {
      await order.idle();
      const results = await Promise.allSettled([from.close(), to.close()]);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },

    stats: () => ({ ...stats }),
  };
}

/** The first write To gets for a write committed to From (checked against From afterwards). */
function toMirror(write: Write): Write {
  if (write.op === "truncate") return write;
  if (write.op === "delete") return { op: "delete", type: write.type, key: write.key, expect: { any: true } };
  // In step, To holds what From's condition named; failing that, the previous version.
  const expect = "version" in write.expect || "absent" in write.expect ? write.expect : previous(write.record.version);
  return { ...write, expect };
}

/** The guess of what To holds when it is in step with From: the previous version, or nothing. */
function previous(version: string): Expect {
  return version === "1" ? { absent: true } : { version: (BigInt(version) - 1n).toString() };
}
