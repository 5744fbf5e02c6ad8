// The Offline store's own behaviour: the outbox, replay, pull, conflicts, status, tabs.
import { describe, expect, test } from "bun:test";
import type { OfflineConflict, OfflineObjectStore, OfflineStatus } from "../mod.ts";
import { offlineDriver, type OfflineOptions } from "../src/composites/offline/driver.ts";
import type { Driver } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { type Switchable, switchable } from "./support/switchable.ts";

/** A Local that survives its store's close, as IndexedDB survives a reload. */
function durable(inner: Driver): Driver {
  return { ...inner, close: async () => {} };
}

interface Rig {
  main: Switchable;
  /** Main seen directly (as another client would). */
  server: ReturnType<typeof createStore>;
  local: Driver;
  open(extra?: Partial<OfflineOptions>): OfflineObjectStore;
}

function rig(): Rig {
  const mainDriver = memoryDriver();
  const main = switchable(durable(mainDriver));
  const local = durable(memoryDriver());
  return {
    main,
    server: createStore(durable(mainDriver)),
    local,
    open(extra = {}) {
      const driver = offlineDriver({ main, local, types: ["Note", "Tag"], syncInterval: 0, ...extra });
      return Object.assign(createStore(driver), { sync: driver.sync, status: driver.status, conflicts: driver.conflicts, resolve: driver.resolve });
    },
  };
}

async function all(store: { scan(type: string): AsyncIterable<{ key: string; value: unknown; version: string }> }, type: string) {
  const out: Record<string, { value: unknown; version: string }> = {};
  for await (const o of store.scan(type)) out[o.key] = { value: o.value, version: o.version };
  return out;
}

/** Lets background work on Memory drivers (promise chains, no timers) run to its end. */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("Offline outbox and replay", () => {
  test("writes made while Main is down are kept, survive a restart, and replay exactly once", async () => {
    const r = rig();
    await r.server.save("Note", "a", { text: "a1" });
    await r.server.save("Note", "b", { text: "b1" });
    const one = r.open();
    await one.sync();
    r.main.up = false;
    await one.save("Note", "c", { text: "c1" });
    await one.update("Note", "a", () => ({ text: "a2" }));
    await one.remove("Note", "b");
    await one.transaction(async (tx) => {
      await tx.save("Note", "d", { text: "d1" });
      await tx.save("Tag", "t", { name: "t" });
    });
    expect(one.status()).toMatchObject({ online: false, pending: 4 });
    expect(Object.keys(await all(one, "Note"))).toEqual(["a", "c", "d"]);
    await one.close();

    // "Reload": a new store over the same Local, Main still down.
    const two = r.open();
    expect(await all(two, "Note")).toEqual({ a: { value: { text: "a2" }, version: "2" }, c: { value: { text: "c1" }, version: "1" }, d: { value: { text: "d1" }, version: "1" } });
    expect((await two.page("Note", { query: "c1" })).result.map((o) => o.key)).toEqual(["c"]);
    await expectError(two.save("Note", "c", { text: "again" }), Error, "OBJECT_EXISTS");
    expect(two.status().pending).toBe(4);
    await expectError(two.sync(), Error, "BACKEND_UNAVAILABLE");

    r.main.up = true;
    await two.sync();
    expect(two.status()).toMatchObject({ online: true, pending: 0, conflicts: 0 });
    expect(await all(r.server, "Note")).toEqual(await all(two, "Note"));
    expect(await all(r.server, "Tag")).toEqual({ t: { value: { name: "t" }, version: "1" } });
    // A second sync replays nothing.
    const calls = r.main.calls;
    await two.sync();
    expect(await all(r.server, "Note")).toEqual(await all(two, "Note"));
    expect(r.main.calls - calls).toBeLessThan(10);
    await two.close();
  });

  test("writes queued while Main is known down do not each try Main again (no replay per write)", async () => {
    const r = rig();
    const store = r.open();
    await store.sync();
    // The store's start began a sync of its own too: let it end (Memory answers at once).
    await settle();
    r.main.up = false;
    const before = r.main.attempts;
    const n = 200;
    for (let i = 0; i < n; i++) await store.save("Note", `q${String(i).padStart(3, "0")}`, { i });
    // Let any background sync the writes started run to its end.
    await settle();
    expect(store.status()).toMatchObject({ online: false, pending: n });
    // The first write finds Main down; the other 199 queue without asking it (each used to start
    // a replay that read the whole outbox and tried Main: n requests, O(n²) work).
    expect(r.main.attempts - before).toBe(1);

    r.main.up = true;
    const commits = r.main.attempts;
    await store.sync();
    expect(store.status()).toMatchObject({ online: true, pending: 0 });
    expect(Object.keys(await all(r.server, "Note"))).toHaveLength(n);
    // One commit per entry, plus the pull's few reads.
    expect(r.main.attempts - commits).toBeLessThan(n + 10);
    await store.close();
  });

  test("a transaction is one outbox entry, replayed as one transaction", async () => {
    const r = rig();
    const store = r.open();
    await store.sync();
    r.main.up = false;
    await store.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.save("Note", `n${i}`, { i });
      await tx.save("Note", "n0", { i: 10 }, "1");
    });
    expect(store.status().pending).toBe(1);
    r.main.up = true;
    const commits: number[] = [];
    const commit = r.main.commit;
    r.main.commit = async (writes) => (commits.push(writes.length), commit(writes));
    await store.sync();
    expect(commits).toEqual([5]);
    expect((await r.server.get("Note", "n0"))?.version).toBe("2");
    await store.close();
  });

  test("a write while online goes to Main first, with its versions", async () => {
    const r = rig();
    const store = r.open();
    await store.save("Note", "a", { text: "x" });
    const there = await r.server.get("Note", "a");
    expect(there?.value).toEqual({ text: "x" });
    expect(await store.get("Note", "a")).toEqual(there);
    // Main decides: a stale version fails there, nothing changes.
    await r.server.save("Note", "a", { text: "server" }, "1");
    await expectError(store.save("Note", "a", { text: "mine" }, "1"), Error, "WRONG_OBJECT_VERSION");
    expect((await r.server.get("Note", "a"))?.value).toEqual({ text: "server" });
    expect(store.status().pending).toBe(0);
    await store.close();
  });

  test("unlisted types go to Main, and fail while it is down", async () => {
    const r = rig();
    const store = r.open();
    await store.save("Other", "o", 1);
    expect((await r.server.get("Other", "o"))?.value).toBe(1);
    r.main.up = false;
    await expectError(store.save("Other", "p", 1), Error, "BACKEND_UNAVAILABLE");
    await expectError(store.get("Other", "o"), Error, "BACKEND_UNAVAILABLE");
    expect(store.status().pending).toBe(0);
    await store.close();
  });
});

describe("Offline pull", () => {
  test("sync brings objects created, updated and removed on Main into Local", async () => {
    const r = rig();
    for (const k of ["a", "b", "c"]) await r.server.save("Note", k, { k });
    const store = r.open();
    await store.sync();
    await r.server.save("Note", "a", { k: "a2" }, "1");
    await r.server.remove("Note", "b");
    await r.server.save("Note", "d", { k: "d" });
    await store.sync();
    expect(await all(store, "Note")).toEqual(await all(r.server, "Note"));
    expect(typeof store.status().lastSync).toBe("string");
    await store.close();
  });

  test("reads and types() are served by Local while Main is down; internal records never show", async () => {
    const r = rig();
    await r.server.save("Note", "a", { k: 1 });
    const store = r.open();
    await store.sync();
    r.main.up = false;
    expect((await store.get("Note", "a"))?.value).toEqual({ k: 1 });
    expect(await store.types()).toEqual(["Note"]);
    await store.save("Note", "b", { k: 2 });
    expect(await store.types()).toEqual(["Note"]);
    expect((await store.page("Note", { sort: "k:desc" })).result.map((o) => o.key)).toEqual(["b", "a"]);
    await store.close();
  });
});

describe("Offline conflicts", () => {
  test("an offline edit of an object edited on Main meanwhile comes back as a conflict; nothing is lost", async () => {
    const r = rig();
    await r.server.save("Note", "a", { text: "base" });
    await r.server.save("Note", "b", { text: "b" });
    const seen: OfflineConflict[] = [];
    const statuses: OfflineStatus[] = [];
    const store = r.open({ onConflict: (c) => seen.push(c), onStatus: (s) => statuses.push(s) });
    await store.sync();
    r.main.up = false;
    await store.save("Note", "a", { text: "mine" }, "1");
    await store.update("Note", "a", () => ({ text: "mine, again" }));
    await store.save("Note", "b", { text: "b offline" }, "1");
    r.main.up = true;
    await r.server.save("Note", "a", { text: "theirs" }, "1");
    await store.sync();

    // b replayed; a is one conflict with the latest local write and Main's object.
    expect((await r.server.get("Note", "b"))?.value).toEqual({ text: "b offline" });
    expect((await r.server.get("Note", "a"))?.value).toEqual({ text: "theirs" });
    const conflicts = await store.conflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ type: "Note", key: "a", local: { value: { text: "mine, again" } }, remote: { value: { text: "theirs" }, version: "2" } });
    expect(seen.map((c) => c.key)).toEqual(["a", "a"]);
    expect(store.status()).toMatchObject({ pending: 0, conflicts: 1, online: true });
    expect(statuses.at(-1)).toMatchObject({ conflicts: 1 });
    expect((await store.get("Note", "a"))?.value).toEqual({ text: "theirs" });

    await store.resolve(conflicts[0]!.id, { text: "merged" });
    expect((await r.server.get("Note", "a"))).toMatchObject({ value: { text: "merged" }, version: "3" });
    expect(await store.conflicts()).toEqual([]);
    expect(store.status().conflicts).toBe(0);
    await expectError(store.resolve(conflicts[0]!.id, "remote"), Error, "INVALID_ARGUMENT");
    await store.close();
  });

  test("resolve(id, \"remote\") keeps Main's object; a removal conflicting with an edit keeps both sides", async () => {
    const r = rig();
    await r.server.save("Note", "a", { text: "base" });
    const store = r.open();
    await store.sync();
    r.main.up = false;
    await store.remove("Note", "a", { version: "1" });
    r.main.up = true;
    await r.server.save("Note", "a", { text: "theirs" }, "1");
    await store.sync();
    const [conflict] = await store.conflicts();
    expect(conflict).toMatchObject({ key: "a", remote: { value: { text: "theirs" } } });
    expect(conflict!.local).toBeUndefined();
    await store.resolve(conflict!.id, "remote");
    expect(await store.conflicts()).toEqual([]);
    expect((await store.get("Note", "a"))?.value).toEqual({ text: "theirs" });
    await store.close();
  });
});

describe("Offline conflicts of a truncate", () => {
  /** Each conflict as [key, local value, Main's value] (null for absent), by key. */
  const sides = (conflicts: OfflineConflict[]) => conflicts.map((c) => [c.key, c.local?.value ?? null, c.remote?.value ?? null]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));

  test("a truncate in an entry Main refuses comes back as conflicts, one per object Main kept; nothing is dropped", async () => {
    const r = rig();
    await r.server.save("Note", "a", { text: "a" });
    await r.server.save("Note", "b", { text: "b" });
    await r.server.save("Tag", "t", { name: "base" });
    const seen: OfflineConflict[] = [];
    const store = r.open({ onConflict: (c) => seen.push(c) });
    await store.sync();
    r.main.up = false;
    await store.transaction(async (tx) => {
      await tx.truncate("Note");
      await tx.save("Note", "c", { text: "mine" });
      await tx.save("Tag", "t", { name: "mine" }, "1");
    });
    expect(Object.keys(await all(store, "Note"))).toEqual(["c"]);
    r.main.up = true;
    await r.server.save("Tag", "t", { name: "theirs" }, "1");
    await store.sync();
    // The entry was not applied. Each object the truncate would have removed is a conflict (its
    // local side a removal), as is each of the entry's other writes.
    expect(Object.keys(await all(r.server, "Note"))).toEqual(["a", "b"]);
    const conflicts = await store.conflicts();
    expect(sides(conflicts)).toEqual([["a", null, { text: "a" }], ["b", null, { text: "b" }], ["c", { text: "mine" }, null], ["t", { name: "mine" }, { name: "theirs" }]]);
    expect(new Set(conflicts.map((c) => c.id)).size).toBe(4);
    expect(sides(seen)).toEqual(sides(conflicts));
    expect(store.status()).toMatchObject({ pending: 0, conflicts: 4 });
    // Local holds Main's objects until each is resolved.
    expect(await all(store, "Note")).toEqual(await all(r.server, "Note"));
    for (const c of conflicts) await store.resolve(c.id, "remote");
    expect(await store.conflicts()).toEqual([]);
    expect(Object.keys(await all(r.server, "Note"))).toEqual(["a", "b"]);
    await store.close();
  });

  test("a truncate queued after a conflict of its type waits for it: it joins the conflicts, Main keeps its objects", async () => {
    const r = rig();
    await r.server.save("Note", "a", { text: "base" });
    await r.server.save("Note", "b", { text: "b" });
    const store = r.open();
    await store.sync();
    r.main.up = false;
    await store.save("Note", "a", { text: "mine" }, "1");
    await store.truncate("Note");
    r.main.up = true;
    await r.server.save("Note", "a", { text: "theirs" }, "1");
    await store.sync();
    expect(Object.keys(await all(r.server, "Note"))).toEqual(["a", "b"]);
    // a: the latest local write (the truncate's removal) against Main's object; b: the truncate's removal.
    expect(sides(await store.conflicts())).toEqual([["a", null, { text: "theirs" }], ["b", null, { text: "b" }]]);
    expect(store.status()).toMatchObject({ pending: 0, conflicts: 2 });
    await store.close();
  });
});

describe("Offline with several stores over one Local (tabs)", () => {
  test("two stores syncing at once replay each entry once", async () => {
    const r = rig();
    const one = r.open({ shared: "test-tabs" });
    const two = r.open({ shared: "test-tabs" });
    await one.sync();
    r.main.up = false;
    for (let i = 0; i < 10; i++) await (i % 2 ? one : two).save("Note", `n${i}`, { i });
    r.main.up = true;
    let replayed = 0;
    const commit = r.main.commit;
    r.main.commit = async (writes) => (replayed++, commit(writes));
    await Promise.all([one.sync(), two.sync(), one.sync()]);
    expect(replayed).toBe(10);
    expect(Object.keys(await all(r.server, "Note"))).toHaveLength(10);
    expect(await one.conflicts()).toEqual([]);
    await one.close();
    await two.close();
  });
});
