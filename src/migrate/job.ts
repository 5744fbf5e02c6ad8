/**
 * The migration job: copies every object from one driver to another, type by type, in key
 * order, a batch at a time, while the data may be changing through a Migrating store.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverRecord, type Write } from "../driver.ts";
import { commitNoOlder, isNewer, replacing, sameState } from "../composites/order.ts";
import { InvalidInputError } from "../errors.ts";
import { compareCodePoints } from "../query.ts";
import { canonicalJson } from "./canonical.ts";
import type { CheckpointStore, MigrationCheckpoint, ObjectRef } from "./checkpoint.ts";
import { driverOfEndpoint, type Endpoint } from "./endpoints.ts";
import type { MigrationIdentity } from "./identity.ts";
import { keyReader } from "./reader.ts";
import { repairKey } from "./repair.ts";
import { throttle } from "./throttle.ts";

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The source of truth: a store or a driver. */
  from: Endpoint;
  /** The copy. */
  to: Endpoint;
  /** Objects read and written per round trip. @default 500 */
  batchSize?: number;
  /** Most objects per second (average). @default unlimited */
  rate?: number;
  /** Count what would change, write nothing. @default false */
  dryRun?: boolean;
  /** Where progress is saved after each batch; a saved checkpoint is resumed. */
  checkpoint?: CheckpointStore;
  /** Stops the job between batches (the checkpoint is saved; run again to resume). */
  signal?: AbortSignal;
  /** Called after each batch. */
  onProgress?: (progress: MigrationProgress) => void;
  /** Milliseconds, for rate and ETA. @default () => performance.now() */
  monotonicNow?: () => number;
  /**
   * Which From and To this run is (see `migrationIdentity`): saved in the checkpoint, and a
   * saved checkpoint of other stores is refused (`INVALID_ARGUMENT`) instead of resumed.
   */
  identity?: MigrationIdentity;
  /**
   * Objects To holds in a newer state than From are replaced by From's (From is the source of
   * truth). Without it they are kept, counted in `newer` and listed in `newerInTo`. @default false
   */
  preferFrom?: boolean;
  /** Most objects listed in `newerInTo` (all are counted). @default 1000 */
  maxListed?: number;
}

/** Counters of a migration run. */
export interface MigrationCounts {
  /** Objects read from From (including those before a resume). */
  processed: number;
  /** Objects written to To (or that would be, in a dry run). */
  written: number;
  /** Objects To already had at the same or a newer state. */
  skipped: number;
  /** Objects removed from To because From lacks them, or repaired one by one after changing during the run. */
  repaired: number;
  /** Objects that kept changing while being repaired (run again or verify). */
  unresolved: number;
  /** Objects To holds in a newer state than From, kept (listed in `newerInTo`; `preferFrom` replaces them). */
  newer: number;
  /** Objects To held in a newer state than From, replaced by From's because of `preferFrom`. */
  replaced: number;
}

/** What `onProgress` receives. */
export interface MigrationProgress extends MigrationCounts {
  /** The object type being copied. */
  type: string;
  /** Objects in From when the run started (raised to `processed` if more were read). */
  total: number;
  /** Objects per second in this run. */
  rate: number;
  /** Seconds left at the current rate (undefined until there is a rate). */
  etaSeconds: number | undefined;
}

/** What {@link migrate} returns. */
export interface MigrationResult extends MigrationCounts {
  /** The object types copied, in order. */
  types: string[];
  /** Milliseconds the run took. */
  elapsedMs: number;
  /** True when the run continued a saved checkpoint. */
  resumed: boolean;
  /** The first `maxListed` objects counted in `newer`, in type and key order. */
  newerInTo: ObjectRef[];
}

/**
 * Copies From → To. Never replaces a newer object in To (each write is conditional on the
 * version it saw, checked in To's atomic step) unless `preferFrom`: such objects are counted
 * in `newer` and listed, as verify lists them. Re-reads From after each batch so an object
 * removed during the run never comes back, and repairs objects that only To has.
 *
 * @example
 * ```ts
 * const result = await migrate({ from: oldDriver, to: newDriver, rate: 2000, onProgress: console.log });
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const { dryRun = false, signal, preferFrom = false, identity } = options;
  const maxListed = options.maxListed ?? 1000;
  const from = driverOfEndpoint(options.from, "from");
  const to = driverOfEndpoint(options.to, "to");
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, options.rate ? Math.ceil(options.rate) : Infinity));
  const now = options.monotonicNow ?? (() => performance.now());
  const start = now();
  const saved = await options.checkpoint?.load();
  if (saved && identity) checkIdentity(saved, identity);
  const state: MigrationCheckpoint = saved ?? { done: [], processed: 0 };
  const counts: MigrationCounts = { processed: state.processed, written: 0, skipped: 0, repaired: 0, unresolved: 0, newer: 0, replaced: 0 };
  const startProcessed = state.processed;
  // Newer objects found before a resume: checked again at the end (they may have been settled since).
  const carried = state.newerInTo ?? [];
  let carriedUnlisted = Math.max(0, (state.newer ?? 0) - carried.length);
  const newerInTo: ObjectRef[] = [];
  const noteNewer = (type: string, key: string) => {
    counts.newer++;
    if (newerInTo.length < maxListed) newerInTo.push({ type, key });
  };
  const checkpoint = (at: Partial<MigrationCheckpoint>) =>
    options.checkpoint?.save({
      done: state.done, ...at, processed: counts.processed,
      ...(identity ? { identity } : {}),
      newer: counts.newer + carried.length + carriedUnlisted, newerInTo: [...carried, ...newerInTo].slice(0, maxListed),
    });

  const types = [...new Set([...(await from.types()), ...(await to.types())])].sort(compareCodePoints);
  let total = 0;
  for (const type of types) total += (await from.page(type, { terms: [], sort: [], offset: 0, limit: 0, count: true })).total;
  const pace = throttle(options.rate, now, signal);

  const repair = async (type: string, key: string) => {
    if (dryRun) return void counts.repaired++;
    const outcome = await repairKey(from, to, type, key, 8, { preferFrom });
    if (outcome === "unresolved") counts.unresolved++;
    else if (outcome === "newer") noteNewer(type, key);
    else if (outcome !== "same") counts.repaired++;
  };

  /**
   * An object To held newer than From when the batch was read. Confirmed by reading To, then
   * From: To ahead of a From read after it is not a mirror that landed meanwhile.
   */
  const settleNewer = async (type: string, key: string) => {
    if (dryRun) return void (preferFrom ? counts.replaced++ : noteNewer(type, key));
    const target = await to.get(type, key);
    const source = await from.get(type, key);
    if (!(target && source && isNewer(target, source))) return repair(type, key); // changed meanwhile
    if (!preferFrom) return noteNewer(type, key);
    const outcome = await repairKey(from, to, type, key, 8, { preferFrom });
    if (outcome === "unresolved") counts.unresolved++;
    else if (outcome !== "same") counts.replaced++;
  };

  /** Removes records From lacks from To, batched and conditional, then re-reads From over them. */
  const removeOrphans = async (type: string, orphans: DriverRecord[]) => {
    counts.repaired += orphans.length;
    if (dryRun) return;
    for (let i = 0; i < orphans.length; i += batchSize) {
      const chunk = orphans.slice(i, i + batchSize);
      try {
        await to.commit(chunk.map((o) => ({ op: "delete", type, key: o.key, expect: { version: o.version } })));
      } catch (e) {
        if (!(e instanceof CommitConflict)) throw e;
        // To changed under us (a live write landed): settle each one against From.
        for (const o of chunk) await repairKey(from, to, type, o.key);
      }
      // An object created in From meanwhile (and mirrored) must not stay deleted from To.
      await recheck(from, type, new Map(chunk.map((o) => [o.key, undefined])), batchSize, repair);
    }
  };

  const progress = (type: string) => {
    const seconds = (now() - start) / 1000;
    const rate = seconds > 0 ? (counts.processed - startProcessed) / seconds : 0;
    // Objects created in From during the run can make the count pass the starting total: it grows with them.
    total = Math.max(total, counts.processed);
    const left = total - counts.processed;
    options.onProgress?.({ ...counts, type, total, rate, etaSeconds: rate > 0 ? left / rate : undefined });
  };

  for (const type of types) {
    if (state.done.includes(type)) continue;
    const after = state.type === type ? state.after : undefined;
    const source = keyReader(from, type, batchSize, after);
    const target = keyReader(to, type, batchSize, after);
    for (;;) {
      signal?.throwIfAborted();
      const records = await source.nextPage();
      const last = records.length > 0 ? records[records.length - 1]!.key : undefined;
      // To's records up to the same key (after From's last page: To's remaining pages).
      const theirs = await target.takeUpTo(last);
      if (last === undefined && theirs.length === 0) break;
      const existing = new Map(theirs.map((r) => [r.key, r]));
      const writes: Write[] = [];
      const newer: string[] = [];
      for (const record of records) {
        const current = existing.get(record.key);
        existing.delete(record.key);
        const verdict = compare(record, current);
        if (verdict === "same") counts.skipped++;
        else if (verdict === "newer") newer.push(record.key);
        else writes.push({ op: "put", type, key: record.key, expect: replacing(current), record });
      }
      counts.processed += records.length;
      counts.written += writes.length;
      if (!dryRun && writes.length > 0) {
        const dropped = await commitNoOlder(to, writes);
        counts.written -= dropped;
        counts.skipped += dropped;
        await recheck(from, type, new Map(writes.map((w) => [(w as { key: string }).key, (w as { record: DriverRecord }).record])), batchSize, repair);
      }
      for (const key of newer) await settleNewer(type, key);
      // Objects only To has (removed from From during the run, or before with a failed mirror).
      if (existing.size > 0) await removeOrphans(type, [...existing.values()]);
      if (last === undefined) continue;
      if (!dryRun) await checkpoint({ type, after: last });
      progress(type);
      await pace(counts.processed - startProcessed);
    }
    state.done = [...state.done, type];
    state.type = state.after = undefined;
    if (!dryRun) await checkpoint({});
    progress(type);
  }
  // Newer objects found before a resume are settled like the others; the unlisted ones cannot be.
  for (const { type, key } of carried) await settleNewer(type, key);
  counts.newer += carriedUnlisted;
  carriedUnlisted = 0;
  carried.length = 0;
  if (!dryRun) await options.checkpoint?.clear();
  newerInTo.sort((a, b) => compareCodePoints(a.type, b.type) || compareCodePoints(a.key, b.key));
  return { ...counts, types, elapsedMs: now() - start, resumed: saved !== undefined, newerInTo };
}

/**
 * How To's record of a key stands against From's: `copy` (To lacks it, is behind, or differs at
 * the same version: From is the truth), `same`, or `newer` (To is ahead of From).
 */
function compare(source: DriverRecord, target: DriverRecord | undefined): "copy" | "same" | "newer" {
  if (!target || isNewer(source, target)) return "copy";
  if (isNewer(target, source)) return "newer";
  return sameState(source, target) && canonicalJson(source.value) === canonicalJson(target.value) ? "same" : "copy";
}

/** Refuses a checkpoint written for other stores (or by a version that did not record them). */
function checkIdentity(saved: MigrationCheckpoint, identity: MigrationIdentity) {
  if (saved.identity?.fingerprint === identity.fingerprint) return;
  const was = saved.identity
    ? `it was written for From ${saved.identity.from} and To ${saved.identity.to}`
    : "it does not say which stores it was written for";
  throw new InvalidInputError(
    "INVALID_ARGUMENT",
    `The saved checkpoint belongs to another migration: ${was}; this run is From ${identity.from} and To ${identity.to}`,
  );
}

/**
 * Reads From again over the keys just written to To (`expected`: key → what was written, in
 * key order; `undefined` for a removal): an object that changed or appeared in From since it was
 * read is repaired one by one, so the copy never brings back a removed object nor keeps a new
 * one out.
 */
async function recheck(
  from: Driver,
  type: string,
  expected: Map<string, DriverRecord | undefined>,
  batchSize: number,
  repair: (type: string, key: string) => Promise<void>,
) {
  const keys = [...expected.keys()];
  if (keys.length === 0) return;
  const first = keys[0]!, lastKey = keys[keys.length - 1]!;
  // Paging starts after a key, so the first key itself is one get; then the range after it.
  const reader = keyReader(from, type, batchSize, first);
  const current = new Map<string, DriverRecord>();
  const head = await from.get(type, first);
  if (head) current.set(head.key, head);
  for (const record of await reader.takeUpTo(lastKey)) current.set(record.key, record);
  for (const [key, record] of expected) {
    if (!sameState(current.get(key), record)) await repair(type, key);
  }
}
