/**
 * The Offline store: a local-first replica of some types of `Main` kept in `Local`. Reads of a
 * listed type are served by Local once it has synced; writes go to Main first and are then
 * applied to Local, or, while Main is unreachable, are checked against Local, applied there and
 * kept in a durable outbox that `sync()` replays on Main in order.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverRecord, type Write } from "../../driver.ts";
import { InvalidInputError, ObjectStoreError, WrongObjectVersionError } from "../../errors.ts";
import type { JsonValue } from "../../types.ts";
import { cloneJson, copyValue, nextVersion } from "../../validate.ts";
import { commitNoOlder, replacing } from "../order.ts";
import { conflictKey, dropConflict, openConflicts, putConflict, type StoredConflict, toPublic } from "./conflict-store.ts";
import { syncLock, type SyncLock } from "./lock.ts";
import { appendEntry, type OutboxEntry, outboxEntries, outboxSize } from "./outbox.ts";
import { isUnavailable, type PullContext, pullType } from "./pull.ts";
import { CONFLICTS, isReserved, META, OUTBOX } from "./reserved.ts";
import type { ChangesSource, OfflineConflict, OfflineStatus } from "./types.ts";

/** Options of {@link offlineDriver}. */
export interface OfflineOptions {
  /** The store of record (typically Remote). */
  main: Driver;
  /** Where the replica, the outbox and the conflicts live (typically IndexedDB). */
  local: Driver;
  /** The object types replicated into Local; every other type goes straight to Main. */
  types: string[];
  /** Milliseconds between background syncs; 0 turns them off. @default 30000 */
  syncInterval?: number;
  /** Main's change feed, when it has one (the Remote driver's `POST /api/changes`). */
  changes?: ChangesSource;
  /** Clock for stamps of records written here (resolve) and of the outbox. @default () => new Date() */
  now?: () => Date;
  /** Called for every conflict a replay finds. Errors it throws are ignored. */
  onConflict?: (conflict: OfflineConflict) => void;
  /** Called whenever the status changes. Errors it throws are ignored. */
  onStatus?: (status: OfflineStatus) => void;
  /**
   * A name every store over the same Local shares (tabs over one IndexedDB database): replays
   * then take a Web Lock (or a claim in Local) of that name, and tell each other over a
   * BroadcastChannel of that name. Without it, this store is Local's only user.
   */
  shared?: string;
}

/** The Offline driver with the calls the Offline store adds. */
export interface OfflineDriver extends Driver {
  sync(): Promise<void>;
  status(): OfflineStatus;
  conflicts(): Promise<OfflineConflict[]>;
  resolve(id: string, choice: JsonValue | "remote"): Promise<void>;
}

/**
 * A driver replicating `types` of `main` into `local`.
 *
 * @example
 * ```ts
 * const driver = offlineDriver({ main: remote, local: indexedDB, types: ["Note"] });
 * const store = createStore(driver);
 * await store.save("Note", "n1", { text: "works offline" });
 * ```
 */
export function offlineDriver(options: OfflineOptions): OfflineDriver {
  const { main, local } = options;
  const listed = new Set(options.types);
  const now = options.now ?? (() => new Date());
  const stamp = () => now().toISOString();
  const interval = options.syncInterval ?? 30_000;
  /** Synced types, with the watermark of their last pull. */
  const synced = new Map<string, string | undefined>();
  const status: OfflineStatus = { online: true, pending: 0, conflicts: 0 };
  const replica = mutex();
  const lock: SyncLock = options.shared ? syncLock(options.shared, local) : { run: (fn) => replica.run(() => fn(async () => {})) };
  const ctx: PullContext = { main, local, changes: options.changes, exclusive: replica.run };
  const pulls = new Map<string, Promise<void>>();
  let channel: BroadcastChannel | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let starting: Promise<void> | undefined;
  let syncing: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  let closed = false;

  const emit = () => {
    try {
      options.onStatus?.({ ...status });
    } catch {
      // a failing listener must not break the store
    }
  };
  const set = (patch: Partial<OfflineStatus>) => {
    const before = JSON.stringify(status);
    Object.assign(status, patch);
    if (JSON.stringify(status) !== before) emit();
  };
  const markOffline = () => set({ online: false });
  const markOnline = () => {
    const wasOffline = !status.online;
    set({ online: true });
    if (wasOffline) background();
  };
  const refresh = async () => {
    const pending = await outboxSize(local);
    const conflicts = (await local.page(CONFLICTS, { terms: [], sort: [], offset: 0, limit: 0, count: true })).total;
    set({ pending, conflicts });
  };
  const announce = () => {
    try {
      channel?.postMessage("changed");
    } catch {
      // a closed channel: nobody to tell
    }
  };
  const onOnline = () => background();
  const background = () => void driver.sync().catch(() => {});

  /** A call to Main that updates `online`. */
  const viaMain = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      markOnline();
      return result;
    } catch (e) {
      if (isUnavailable(e)) markOffline();
      throw e;
    }
  };

  const start = () =>
    starting ??= (async () => {
      for (const type of listed) {
        const meta = await local.get(META, `type:${type}`);
        if (meta) synced.set(type, (meta.value as { since?: string } | null)?.since);
      }
      await refresh();
      if (closed) return;
      if (interval > 0) {
        timer = setInterval(background, interval);
        (timer as { unref?: () => void }).unref?.();
      }
      if (typeof globalThis.addEventListener === "function") globalThis.addEventListener("online", onOnline);
      if (options.shared && typeof BroadcastChannel === "function") {
        channel = new BroadcastChannel(options.shared);
        channel.onmessage = () => void refresh().catch(() => {});
        (channel as { unref?: () => void }).unref?.();
      }
      background();
    })().catch((e) => {
      starting = undefined;
      throw e;
    });

  /** Pulls `type` from Main and records that it is synced. */
  const pull = (type: string): Promise<void> => {
    let p = pulls.get(type);
    if (!p) {
      p = viaMain(async () => {
        const since = await pullType(ctx, type, synced.get(type));
        const at = stamp();
        await local.commit([{ op: "put", type: META, key: `type:${type}`, expect: { any: true }, record: { key: `type:${type}`, value: since === undefined ? {} : { since }, version: "1", created: at, updated: at } }]);
        synced.set(type, since);
      }).finally(() => pulls.delete(type));
      pulls.set(type, p);
    }
    return p;
  };

  /** Resolves once `type` can be read from Local. */
  const ready = async (type: string) => {
    await start();
    if (!synced.has(type)) await pull(type);
  };

  const queue = async (writes: Write[], extra: Write[]) => {
    await appendEntry(local, writes, extra, stamp());
    set({ pending: status.pending + 1 });
    announce();
  };

  /** Commits `writes` (Main first, else to the outbox) and, with them, `extra` Local-only writes. */
  const commitWith = async (writes: Write[], extra: Write[]) => {
    await start();
    const mine = writes.filter((w) => listed.has(w.type));
    if (mine.length === 0 && extra.length === 0) return viaMain(() => main.commit(writes));
    const offlineable = mine.length === writes.length && writes.every((w) => synced.has(w.type));
    const copies = mine.map(copyWrite);
    if (status.pending > 0 && offlineable) {
      // Earlier offline writes first: queue behind them, and replay now unless Main is known
      // to be down (the timer, the online event or Main answering again start the replay).
      await queue(copies, extra);
      if (status.online) background();
      return;
    }
    let queued = false;
    await replica.run(async () => {
      try {
        await viaMain(() => main.commit(writes));
      } catch (e) {
        if (!isUnavailable(e) || !offlineable) {
          // Local was behind Main: catch up so the next attempt reads what Main has.
          if (e instanceof CommitConflict) background();
          throw e;
        }
        queued = true;
        return;
      }
      // Main's state is the truth now; a Local failure only leaves it for the next pull.
      await commitNoOlder(local, copies.map(toLocal)).catch(() => {});
      if (extra.length > 0) await local.commit(extra).catch(() => {});
    });
    if (queued) await queue(copies, extra);
  };

  const alreadyApplied = async (entry: OutboxEntry) => {
    for (const w of entry.writes) {
      if (w.op === "truncate") return false;
      const current = await main.get(w.type, w.key);
      if (w.op === "delete" ? current !== undefined : !current || current.version !== w.record.version || JSON.stringify(current.value) !== JSON.stringify(w.record.value)) return false;
    }
    return true;
  };

  /**
   * Moves a refused entry to the conflicts; Local takes Main's objects. A truncate in it stands
   * for the removal of every object Main has of that type (but the keys the entry writes
   * itself): each is a conflict whose local side is that removal.
   */
  const refuse = async (entry: OutboxEntry, open: Map<string, StoredConflict>) => {
    const at = stamp();
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
        options.onConflict?.(toPublic(conflict));
      } catch {
        // a failing listener must not stop the replay
      }
    }
  };

  const replay = async (renew: () => Promise<void>) => {
    const open = await openConflicts(local);
    for (const entry of await outboxEntries(local)) {
      if (closed) return;
      // Another store over this Local (without a shared lock) may have replayed it meanwhile.
      if (!(await local.get(OUTBOX, entry.id))) continue;
      // An entry touching an object with an open conflict waits for it: it joins the conflicts.
      const blocked = entry.writes.some((w) => (w.op === "truncate" ? [...open.values()].some((c) => c.type === w.type) : open.has(conflictKey(w.type, w.key))));
      if (!blocked) {
        try {
          await viaMain(() => main.commit(entry.writes.map(copyWrite)));
          await local.commit([{ op: "delete", type: OUTBOX, key: entry.id, expect: { any: true } }]);
          continue;
        } catch (e) {
          if (!isRefusal(e)) throw e;
          if (await alreadyApplied(entry)) {
            await local.commit([{ op: "delete", type: OUTBOX, key: entry.id, expect: { any: true } }]);
            continue;
          }
        } finally {
          await renew();
        }
      }
      await refuse(entry, open);
      await refresh();
      announce();
    }
  };

  const runSync = async () => {
    await lock.run(replay);
    if ((await outboxSize(local)) === 0) {
      for (const type of listed) {
        if (closed) return;
        await pull(type);
      }
    }
    await refresh();
    set({ lastSync: stamp() });
    announce();
  };

  const driver: OfflineDriver = {
    kind: "Offline",

    async get(type, key) {
      if (!listed.has(type)) return viaMain(() => main.get(type, key));
      await ready(type);
      return local.get(type, key);
    },

    async page(type, request) {
      if (!listed.has(type)) return viaMain(() => main.page(type, request));
      await ready(type);
      return local.page(type, request);
    },

    async *scan(type, terms) {
      if (!listed.has(type)) return yield* main.scan(type, terms);
      await ready(type);
      yield* local.scan(type, terms);
    },

    async types() {
      await start();
      // One view of what is synced for both halves (a pull may finish in between).
      const view = new Set([...synced.keys()]);
      const served = (type: string) => listed.has(type) && view.has(type);
      const mine = (await local.types()).filter((t) => !isReserved(t) && served(t));
      let theirs: string[] = [];
      try {
        theirs = (await viaMain(() => main.types())).filter((t) => !served(t));
      } catch (e) {
        // Offline: the replicated types are all that can be listed.
        if (!isUnavailable(e)) throw e;
      }
      return [...new Set([...mine, ...theirs])];
    },

    commit: (writes) => commitWith(writes, []),

    async sync() {
      if (closed) throw new ObjectStoreError("CLOSED", "This store is closed");
      await start();
      if (!syncing) return (syncing = runSync().finally(() => (syncing = undefined)));
      // One is running (maybe from before this call's changes): run once more after it.
      again ??= syncing.catch(() => {}).then(() => {
        again = undefined;
        return driver.sync();
      });
      return again;
    },

    status: () => ({ ...status }),

    async conflicts() {
      await start();
      return [...(await openConflicts(local)).values()].map(toPublic);
    },

    async resolve(id, choice) {
      if (typeof id !== "string") throw new InvalidInputError("INVALID_ARGUMENT", "Invalid conflict id: expected a string");
      await start();
      const record = await local.get(CONFLICTS, id);
      if (!record) throw new InvalidInputError("INVALID_ARGUMENT", `No open conflict with id ${JSON.stringify(id)}`);
      const conflict = record.value as unknown as StoredConflict;
      if (choice === "remote") {
        await local.commit([dropConflict(id)]).catch((e) => {
          if (!(e instanceof CommitConflict)) throw e; // resolved meanwhile
        });
      } else {
        const value = copyValue(choice);
        const current = await local.get(conflict.type, conflict.key);
        const at = stamp();
        const write: Write = {
          op: "put",
          type: conflict.type,
          key: conflict.key,
          expect: replacing(current),
          record: { key: conflict.key, value, version: current ? nextVersion(current.version)! : "1", created: current?.created ?? at, updated: at },
        };
        try {
          await commitWith([write], [dropConflict(id)]);
        } catch (e) {
          if (!(e instanceof CommitConflict)) throw e;
          throw new WrongObjectVersionError(`${conflict.type}/${conflict.key} changed on Main again: sync, then resolve again`);
        }
      }
      await refresh();
      announce();
    },

    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      if (typeof globalThis.removeEventListener === "function") globalThis.removeEventListener("online", onOnline);
      channel?.close();
      await starting?.catch(() => {});
      await again?.catch(() => {});
      await syncing?.catch(() => {});
      await Promise.allSettled([...pulls.values()]);
      await replica.run(async () => {});
      const results = await Promise.allSettled([main.close(), local.close()]);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
  };
  return driver;
}

/** True for what Main answers a replayed entry it will not apply (a conflict or bad input). */
function isRefusal(e: unknown): boolean {
  if (e instanceof CommitConflict) return true;
  if (!(e instanceof ObjectStoreError)) return false;
  return e.code !== "BACKEND_UNAVAILABLE" && e.code !== "BACKEND_ERROR" && e.code !== "CLOSED";
}

/** The Local write for a write Main committed: Main's record, never replacing a newer one. */
function toLocal(write: Write): Write {
  if (write.op === "truncate") return write;
  if (write.op === "delete") return { ...write, expect: { any: true } };
  const guess = "version" in write.expect || "absent" in write.expect ? write.expect : { any: true as const };
  return { ...write, expect: guess };
}

function copyWrite(write: Write): Write {
  return write.op === "put" ? { ...write, record: { ...write.record, value: cloneJson(write.record.value) } as DriverRecord } : write;
}

/** One critical section at a time, in call order. */
function mutex(): { run<T>(fn: () => Promise<T>): Promise<T> } {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn);
      tail = result.catch(() => {});
      return result;
    },
  };
}
