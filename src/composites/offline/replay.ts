/**
 * The Offline store's replay: outbox entries committed on Main in order, each as one
 * transaction with the versions it was based on; an entry Main refuses moves to the conflicts
 * (both sides kept) and Local takes Main's objects.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverRecord, type Write } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import { copyWrite } from "../order.ts";
import { conflictKey, openConflicts, putConflict, type StoredConflict, toPublic } from "./conflict-store.ts";
import { type OutboxEntry, outboxEntries } from "./outbox.ts";
import { OUTBOX } from "./reserved.ts";
import type { OfflineConflict } from "./types.ts";

/** What a replay needs of its Offline store. */
export interface ReplayContext {
  main: Driver;
  local: Driver;
  /** Now, as an ISO-8601 stamp. */
  stamp(): string;
  /** A call to Main that keeps the store's `online` status. */
  viaMain<T>(call: () => Promise<T>): Promise<T>;
  /** True once the store is closing: the replay stops between entries. */
  isClosed(): boolean;
  onConflict?: (conflict: OfflineConflict) => void;
  /** After an entry became conflicts (the status and the other tabs are told). */
  afterRefusal(): Promise<void>;
}

/**
 * Replays every outbox entry, oldest first; `renew` keeps the sync lock after each commit.
 * Rejects (entries left in place) when Main is unreachable.
 *
 * @example
 * ```ts
 * await lock.run((renew) => replayOutbox(context, renew));
 * ```
 */
export async function replayOutbox(ctx: ReplayContext, renew: () => Promise<void>): Promise<void> {
  const { main, local } = ctx;
  const open = await openConflicts(local);
  const done = (entry: OutboxEntry) => local.commit([{ op: "delete", type: OUTBOX, key: entry.id, expect: { any: true } }]);
  for (const entry of await outboxEntries(local)) {
    if (ctx.isClosed()) return;
    // Another store over this Local (without a shared lock) may have replayed it meanwhile.
    if (!(await local.get(OUTBOX, entry.id))) continue;
    // An entry touching an object with an open conflict waits for it: it joins the conflicts.
    const blocked = entry.writes.some((w) => (w.op === "truncate" ? [...open.values()].some((c) => c.type === w.type) : open.has(conflictKey(w.type, w.key))));
    if (!blocked) {
      try {
        await ctx.viaMain(() => main.commit(entry.writes.map(copyWrite)));
        await done(entry);
        continue;
      } catch (e) {
        if (!isRefusal(e)) throw e;
        if (await alreadyApplied(main, entry)) {
          await done(entry);
          continue;
        }
      } finally {
        await renew();
      }
    }
    await refuse(ctx, entry, open);
    await ctx.afterRefusal();
  }
}

/** Whether Main already holds every write of `entry` (a replay whose answer was lost). */
async function alreadyApplied(main: Driver, entry: OutboxEntry): Promise<boolean> {
  for (const w of entry.writes) {
    if (w.op === "truncate") return false;
    const current = await main.get(w.type, w.key);
    if (w.op === "delete" ? current !== undefined : !current || current.version !== w.record.version || JSON.stringify(current.value) !== JSON.stringify(w.record.value)) return false;
  }
  return true;
}

/**
 * Moves a refused entry to the conflicts; Local takes Main's objects. A truncate in it stands
 * for the removal of every object Main has of that type (but the keys the entry writes
 * itself): each is a conflict whose local side is that removal.
 */
async function refuse(ctx: ReplayContext, entry: OutboxEntry, open: Map<string, StoredConflict>): Promise<void> {
  const { main, local } = ctx;
  const at = ctx.stamp();
  const writes: Write[] = [];
  const found: StoredConflict[] = [];
  const added = new Set<string>();
  const add = (id: string, type: string, key: string, mine: DriverRecord | null, remote: DriverRecord | null) => {
    // One write per (type, key) in Local's commit (a type truncated twice lists its keys twice).
    if (added.has(conflictKey(type, key))) return;
    added.add(conflictKey(type, key));
    const prior = open.get(conflictKey(type, key));
    const conflict: StoredConflict = { id: prior?.id ?? id, type, key, local: mine, remote };
    found.push(conflict);
    open.set(conflictKey(type, key), conflict);
    writes.push(putConflict(conflict, at));
    writes.push(remote ? { op: "put", type, key, expect: { any: true }, record: remote } : { op: "delete", type, key, expect: { any: true } });
  };
  for (const [i, w] of entry.writes.entries()) {
    if (w.op === "truncate") {
      const own = new Set(entry.writes.flatMap((x) => (x.op !== "truncate" && x.type === w.type ? [x.key] : [])));
      let n = 0;
      for await (const remote of main.scan(w.type, [])) {
        if (!own.has(remote.key)) add(`${entry.id}.${i}.${n++}`, w.type, remote.key, null, remote);
      }
      continue;
    }
    add(`${entry.id}.${i}`, w.type, w.key, w.op === "put" ? w.record : null, (await main.get(w.type, w.key)) ?? null);
  }
  writes.push({ op: "delete", type: OUTBOX, key: entry.id, expect: { any: true } });
  await local.commit(writes);
  for (const conflict of found) {
    try {
      ctx.onConflict?.(toPublic(conflict));
    } catch {
      // a failing listener must not stop the replay
    }
  }
}

/** True for what Main answers a replayed entry it will not apply (a conflict or bad input). */
function isRefusal(e: unknown): boolean {
  if (e instanceof CommitConflict) return true;
  if (!(e instanceof ObjectStoreError)) return false;
  return e.code !== "BACKEND_UNAVAILABLE" && e.code !== "BACKEND_ERROR" && e.code !== "CLOSED";
}

/**
 * The Local write for a write Main committed: Main's record, never replacing a newer one.
 *
 * @example
 * ```ts
 * await commitNoOlder(local, committed.map(toLocal));
 * ```
 */
export function toLocal(write: Write): Write {
  if (write.op === "truncate") return write;
  if (write.op === "delete") return { ...write, expect: { any: true } };
  const guess = "version" in write.expect || "absent" in write.expect ? write.expect : { any: true as const };
  return { ...write, expect: guess };
}
