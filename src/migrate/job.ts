/**
 * The migration job: copies every object from one driver to another, type by type, in key
 * order, a batch at a time, while the data may be changing through a Migrating store.
 *
 * @module
 */
import type { Driver, DriverRecord, Write } from "../driver.ts";
import { commitNoOlder, isNewer, replacing, sameState } from "../composites/order.ts";
import { compareCodePoints } from "../query.ts";
import type { CheckpointStore, MigrationCheckpoint } from "./checkpoint.ts";
import { driverOfEndpoint, type Endpoint } from "./endpoints.ts";
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
}

/** Counters of a migration run. */
export interface MigrationCounts {
  /** Objects read from From (including those before a resume). */
  processed: number;
  /** Objects written to To (or that would be, in a dry run). */
  written: number;
  /** Objects To already had at the same or a newer state. */
  skipped: number;
  /** Objects made equal one by one: removed during the run, only in To, or changed under a write. */
  repaired: number;
  /** Objects that kept changing while being repaired (run again or verify). */
  unresolved: number;
}

/** What `onProgress` receives. */
export interface MigrationProgress extends MigrationCounts {
  type: string;
  /** Objects in From when the run started. */
  total: number;
  /** Objects per second in this run. */
  rate: number;
  /** Seconds left at the current rate (undefined until there is a rate). */
  etaSeconds: number | undefined;
}

/** What {@link migrate} returns. */
export interface MigrationResult extends MigrationCounts {
  types: string[];
  elapsedMs: number;
  /** True when the run continued a saved checkpoint. */
  resumed: boolean;
}

/**
 * Copies From → To. Never replaces a newer object in To (each write is conditional on the
 * version it saw, checked in To's atomic step), re-reads From after each batch so an object
 * removed during the run never comes back, and repairs objects that only To has.
 *
 * @example
 * ```ts
 * const result = await migrate({ from: oldDriver, to: newDriver, rate: 2000, onProgress: console.log });
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const { dryRun = false, signal } = options;
  const from = driverOfEndpoint(options.from, "from");
  const to = driverOfEndpoint(options.to, "to");
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, options.rate ? Math.ceil(options.rate) : Infinity));
  const now = options.monotonicNow ?? (() => performance.now());
  const start = now();
  const saved = await options.checkpoint?.load();
  const state: MigrationCheckpoint = saved ?? { done: [], processed: 0 };
  const counts: MigrationCounts = { processed: state.processed, written: 0, skipped: 0, repaired: 0, unresolved: 0 };
  const startProcessed = state.processed;

  const types = [...new Set([...(await from.types()), ...(await to.types())])].sort(compareCodePoints);
  let total = 0;
  for (const type of types) total += (await from.page(type, { terms: [], sort: [], offset: 0, limit: 0, count: true })).total;
  const pace = throttle(options.rate, now, signal);

  const repair = async (type: string, key: string) => {
    if (dryRun) return void counts.repaired++;
    const outcome = await repairKey(from, to, type, key);
    if (outcome === "unresolved") counts.unresolved++;
    else if (outcome !== "same") counts.repaired++;
  };

  const progress = (type: string) => {
    const seconds = (now() - start) / 1000;
    const rate = seconds > 0 ? (counts.processed - startProcessed) / seconds : 0;
    const left = Math.max(0, total - counts.processed);
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
      for (const record of records) {
        const current = existing.get(record.key);
        existing.delete(record.key);
        if (current && !isNewer(record, current)) counts.skipped++;
        else writes.push({ op: "put", type, key: record.key, expect: replacing(current), record });
      }
      counts.processed += records.length;
      counts.written += writes.length;
      if (!dryRun && writes.length > 0) {
        const dropped = await commitNoOlder(to, writes);
        counts.written -= dropped;
        counts.skipped += dropped;
        await recheck(from, type, writes, batchSize, repair);
      }
      // Objects only To has: removed from From during the run (or before, with a failed mirror).
      for (const key of existing.keys()) await repair(type, key);
      if (last === undefined) continue;
      if (!dryRun) await options.checkpoint?.save({ done: state.done, type, after: last, processed: counts.processed });
      progress(type);
      await pace(counts.processed - startProcessed);
    }
    state.done = [...state.done, type];
    state.type = state.after = undefined;
    if (!dryRun) await options.checkpoint?.save({ done: state.done, processed: counts.processed });
    progress(type);
  }
  if (!dryRun) await options.checkpoint?.clear();
  return { ...counts, types, elapsedMs: now() - start, resumed: saved !== undefined };
}

/**
 * Reads From again over the keys just written: an object removed (or replaced) in From since
 * it was read is repaired one by one, so the copy never brings back a removed object.
 */
async function recheck(from: Driver, type: string, writes: Write[], batchSize: number, repair: (type: string, key: string) => Promise<void>) {
  const written = new Map<string, DriverRecord>();
  for (const w of writes) if (w.op === "put") written.set(w.key, w.record);
  const first = writes[0] as { key: string };
  const lastKey = (writes[writes.length - 1] as { key: string }).key;
  // Start just before the first written key: page after the greatest key below it is not
  // expressible, so read from the first key itself (inclusive) with a get, then page after it.
  const reader = keyReader(from, type, batchSize, first.key);
  const current = new Map<string, DriverRecord>();
  const head = await from.get(type, first.key);
  if (head) current.set(head.key, head);
  for (const record of await reader.takeUpTo(lastKey)) current.set(record.key, record);
  for (const [key, record] of written) {
    if (!sameState(current.get(key), record)) await repair(type, key);
  }
}
