/**
 * The Offline store: a local-first replica of some types of `Main` kept in `Local`. Reads of a
 * listed type are served by Local once it has synced; writes go to Main first and are then
 * applied to Local, or, while Main is unreachable, are checked against Local, applied there and
 * kept in a durable outbox that `sync()` replays on Main in order.
 *
 * @module
 */
import { CommitConflict, type Write } from "../../driver.ts";
import { InvalidInputError, ObjectStoreError, WrongObjectVersionError } from "../../errors.ts";
import { copyValue } from "../../validate.ts";
import { commitNoOlder, copyWrite } from "../order.ts";
import { dropConflict, openConflicts, resolvingWrite, type StoredConflict, toPublic } from "./conflict-store.ts";
import { mutex, syncLock, type SyncLock } from "./lock.ts";
import { appendEntry, outboxSize } from "./outbox.ts";
import { isUnavailable, type PullContext, pullType } from "./pull.ts";
import { replayOutbox, type ReplayContext, toLocal } from "./replay.ts";
import { CONFLICTS, isReserved, META } from "./reserved.ts";
import { statusBoard } from "./status.ts";
import type { OfflineDriver, OfflineOptions } from "./types.ts";

export type { OfflineDriver, OfflineOptions } from "./types.ts";

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
  const board = statusBoard(options.onStatus);
  const { status, set } = board;
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

  const markOffline = () => set({ online: false });
  const markOnline = () => {
    const wasOffline = !status.online;
    set({ online: true });
    if (wasOffline) background();
  };
  const refresh = () => board.refresh(local);
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

  const replayer: ReplayContext = {
    main,
    local,
    stamp,
    viaMain,
    isClosed: () => closed,
    onConflict: options.onConflict,
    afterRefusal: async () => {
      await refresh();
      announce();
    },
  };
  const replay = (renew: () => Promise<void>) => replayOutbox(replayer, renew);

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
        const current = await local.get(conflict.type, conflict.key);
        try {
          await commitWith([resolvingWrite(conflict, current, copyValue(choice), stamp())], [dropConflict(id)]);
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
