/**
 * IndexedDB driver cases beyond the conformance suite: layout, key order, lazy opening, the
 * browser's realities (another connection deleting or upgrading the database, a forced close),
 * two connections updating one object, and error mapping. Run under fake-indexeddb by
 * test/indexeddb.test.ts and in Chromium by the browser bundle (test/browser/entry.ts).
 * @module
 */
import { describe, expect, test } from "bun:test";
import { createStore as createKeyvalStore, get as keyvalGet } from "idb-keyval";
import "../../src/drivers/register/all.ts";
import { BackendError, createObjectStoreInstance, ObjectStoreError, WrongObjectVersionError } from "../../mod.ts";
import type { CreateOptions, ObjectStore } from "../../mod.ts";
import { type IndexedDBGlobals, indexedDBDriver } from "../../src/drivers/indexeddb/driver.ts";
import { createStore } from "../../src/store.ts";
import { collect, compareCodePoints, expectError, keysOf } from "../conformance/harness.ts";

/** A fresh database name and the IndexedDB implementation to use. */
export interface FreshDb {
  dbName: string;
  globals: IndexedDBGlobals;
}

/** What the IndexedDB implementation under test offers besides the standard API. */
export interface Capabilities {
  /** Forcibly closes a connection (the browser's `close` event), where the implementation can. */
  forceClose?: (db: IDBDatabase) => void;
  /** `IDBObjectStore.prototype` of the implementation, to make a put fail as a full disk does. */
  objectStorePrototype: { put: (...args: never[]) => IDBRequest };
}

/** Wraps a factory to count `open` calls and keep the connections it hands out. */
function watched(globals: IndexedDBGlobals) {
  const real = globals.indexedDB;
  const connections: IDBDatabase[] = [];
  let opens = 0;
  const factory = {
    open(name: string, version?: number) {
      opens++;
      const request = version === undefined ? real.open(name) : real.open(name, version);
      request.addEventListener("success", () => connections.push(request.result));
      return request;
    },
    deleteDatabase: (name: string) => real.deleteDatabase(name),
    cmp: (a: unknown, b: unknown) => real.cmp(a, b),
    databases: () => real.databases(),
  } as IDBFactory;
  return { globals: { indexedDB: factory, IDBKeyRange: globals.IDBKeyRange }, connections, opens: () => opens };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Runs `change` (deleteDatabase or an upgrading open) and fails if it stays blocked. */
function unblocked<T>(req: IDBOpenDBRequest, onUpgrade?: (db: IDBDatabase) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("blocked: the store did not close its connection")), 5_000);
    req.onupgradeneeded = () => onUpgrade?.(req.result);
    req.onsuccess = () => {
      clearTimeout(timer);
      resolve(req.result as T);
    };
    req.onerror = () => {
      clearTimeout(timer);
      reject(req.error);
    };
  });
}

/** Registers the cases under `describe(name)`; `fresh` gives a new database per call. */
export function indexedDBCases(name: string, fresh: () => FreshDb, can: Capabilities): void {
  const open = (db: FreshDb, globals: IndexedDBGlobals = db.globals, options: CreateOptions = {}): ObjectStore =>
    createObjectStoreInstance({ Type: "IndexedDB", dbName: db.dbName }, { ...options, indexedDB: globals });

  describe(name, () => {
    test("kind is IndexedDB; creating a store opens nothing, the first operation opens once", async () => {
      const db = fresh();
      const w = watched(db.globals);
      const store = open(db, w.globals);
      expect(store.kind).toBe("IndexedDB");
      expect(w.opens()).toBe(0);
      await store.save("T", "a", 1);
      await store.get("T", "a");
      await store.page("T");
      expect(w.opens()).toBe(1);
      await store.close();
    });

    test("all types live in one object store of one database, keyed [type, key]", async () => {
      const db = fresh();
      const store = open(db);
      await store.save("Person", "ann", { n: 1 });
      await store.save("Pet", "rex", { n: 2 });
      await store.save("Person", "bob", { n: 3 });
      await store.close();
      const raw = await request(db.globals.indexedDB.open(db.dbName));
      expect([...raw.objectStoreNames]).toEqual(["objects"]);
      const keys = await request(raw.transaction("objects").objectStore("objects").getAllKeys());
      raw.close();
      expect(keys).toEqual([["Person", "ann"], ["Person", "bob"], ["Pet", "rex"]]);
    });

    test("keys come back in code-point order, astral after U+E000-U+FFFF, and round-trip exactly", async () => {
      const store = open(fresh());
      const keys = ["\uE000", "\uE7FF", "\uF8FF", "\uFFFF", "\uFF5E", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "\uD7FF", "a", "z\u{1F600}", "z\uFFFD"];
      for (const key of keys) await store.save("K", key, { key });
      const expected = [...keys].sort(compareCodePoints);
      expect(keysOf(await collect(store.scan("K")))).toEqual(expected);
      expect(keysOf((await store.page("K")).result)).toEqual(expected);
      const first = await store.page("K", { pagesize: 5 });
      const rest = await store.page("K", { cursor: first.next });
      expect([...keysOf(first.result), ...keysOf(rest.result)]).toEqual(expected);
      expect(keysOf((await store.page("K", { offset: 7, pagesize: 3 })).result)).toEqual(expected.slice(7, 10));
      for (const key of keys) expect((await store.get("K", key))?.value).toEqual({ key });
      await store.truncate("K");
      expect(await store.types()).toEqual([]);
      await store.close();
    });

    test("types are found by skipping from type to type, including astral and similar names", async () => {
      const store = open(fresh());
      const types = ["A", "AB", "A B", "B", "\u{1F600}", "\uFFFF", "a"];
      for (const type of types) for (const key of ["k1", "k2", "k3"]) await store.save(type, key, 1);
      expect(await store.types()).toEqual([...types].sort(compareCodePoints));
      await store.truncate("AB");
      expect(await store.types()).toEqual(types.filter((t) => t !== "AB").sort(compareCodePoints));
      expect(keysOf(await collect(store.scan("A")))).toEqual(["k1", "k2", "k3"]);
      await store.close();
    });

    test("another connection deleting the database is not blocked; the store reopens on next use", async () => {
      const db = fresh();
      const store = open(db);
      await store.save("T", "a", 1);
      await unblocked(db.globals.indexedDB.deleteDatabase(db.dbName));
      expect(await store.get("T", "a")).toBeUndefined();
      await store.save("T", "a", 2);
      expect((await store.get("T", "a"))?.value).toBe(2);
      await store.close();
    });

    test("another connection upgrading the database is not blocked; the store keeps working", async () => {
      const db = fresh();
      const store = open(db);
      await store.save("T", "a", 1);
      const raw = await request(db.globals.indexedDB.open(db.dbName));
      const version = raw.version;
      raw.close();
      const upgraded = await unblocked<IDBDatabase>(db.globals.indexedDB.open(db.dbName, version + 1), (d) => d.createObjectStore("theirs"));
      upgraded.close();
      expect((await store.get("T", "a"))?.value).toBe(1);
      await store.save("T", "a", 2, "1");
      expect((await store.get("T", "a"))?.version).toBe("2");
      await store.close();
    });

    test("a database made by other code without our object store gets it added", async () => {
      const db = fresh();
      const made = await unblocked<IDBDatabase>(db.globals.indexedDB.open(db.dbName, 3), (d) => d.createObjectStore("theirs"));
      await request(made.transaction("theirs", "readwrite").objectStore("theirs").put("kept", "x"));
      made.close();
      const store = open(db);
      await store.save("T", "a", 1);
      expect(await store.types()).toEqual(["T"]);
      await store.close();
      const raw = await request(db.globals.indexedDB.open(db.dbName));
      expect(raw.version).toBe(4);
      expect(await request(raw.transaction("theirs").objectStore("theirs").get("x"))).toBe("kept");
      raw.close();
    });

    // Only fake-indexeddb can close a connection as the browser does (forceCloseDatabase);
    // a page cannot make Chromium do it.
    test.skipIf(!can.forceClose)("a connection the browser closes (close event) is reopened on next use", async () => {
      const db = fresh();
      const w = watched(db.globals);
      const store = open(db, w.globals);
      await store.save("T", "a", 1);
      expect(w.connections.length).toBe(1);
      can.forceClose!(w.connections[0]!);
      expect((await store.get("T", "a"))?.value).toBe(1);
      expect(w.opens()).toBe(2);
      await store.close();
    });

    test("two connections updating one object concurrently never lose an update", async () => {
      const db = fresh();
      const one = open(db);
      const two = open(db);
      await one.save("Counter", "n", 0);
      const bump = (store: ObjectStore) => store.transaction(async (tx) => {
        const current = await tx.get("Counter", "n");
        await tx.save("Counter", "n", (current!.value as number) + 1, current!.version);
      }, { retries: 1000 });
      const rounds = 40;
      await Promise.all([one, two].map(async (store) => {
        for (let i = 0; i < rounds; i++) await bump(store);
      }));
      const final = await one.get("Counter", "n");
      expect(final?.value).toBe(2 * rounds);
      expect(final?.version).toBe(String(2 * rounds + 1));
      await one.close();
      await two.close();
    });

    test("a commit whose condition fails on another connection writes nothing, across types", async () => {
      const db = fresh();
      const one = open(db);
      const two = open(db);
      await one.save("A", "k", 1);
      const attempt = one.transaction(async (tx) => {
        const current = await tx.get("A", "k");
        await tx.save("B", "other", "written?");
        await tx.truncate("C");
        await two.save("A", "k", 2, "1"); // the other connection wins the race
        await tx.save("A", "k", 3, current!.version);
      });
      await two.save("C", "c", "kept");
      await expectError(attempt, WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      expect(await one.get("B", "other")).toBeUndefined();
      expect((await one.get("C", "c"))?.value).toBe("kept");
      expect((await one.get("A", "k"))?.value).toBe(2);
      await one.close();
      await two.close();
    });

    test("a scan whose consumer awaits between items still yields every object once", async () => {
      const store = open(fresh());
      const keys = Array.from({ length: 230 }, (_, i) => `k${String(i).padStart(3, "0")}`);
      await store.transaction(async (tx) => {
        for (const key of keys) await tx.save("S", key, { key });
      });
      const seen: string[] = [];
      for await (const object of store.scan("S")) {
        seen.push(object.key);
        if (seen.length % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(seen).toEqual(keys);
      await store.close();
    });

    test("values come back by structured clone exactly, and are fresh copies", async () => {
      const store = open(fresh());
      const value = { "__proto__": { x: 1 }, nested: [1.5, -2e-7, 1e21, "\u{1F600}", null, true, { "": [] }], big: Number.MAX_SAFE_INTEGER };
      const parsed = JSON.parse(JSON.stringify(value));
      await store.save("V", "v", parsed);
      const got = await store.get("V", "v");
      expect(JSON.stringify(got?.value)).toBe(JSON.stringify(parsed));
      expect(Object.getPrototypeOf(got?.value)).toBe(Object.prototype);
      (got!.value as { nested: unknown[] }).nested.push("mutated");
      expect(JSON.stringify((await store.get("V", "v"))?.value)).toBe(JSON.stringify(parsed));
      await store.close();
    });

    test("a quota error inside a commit is BACKEND_ERROR with the cause, and writes nothing", async () => {
      const store = open(fresh());
      await store.save("T", "ok", 1);
      // The implementation's put throws QuotaExceededError for one record, as a full origin does.
      const proto = can.objectStorePrototype;
      const put = proto.put;
      proto.put = function (this: IDBObjectStore, ...args: never[]) {
        if ((args[0] as { key?: unknown })?.key === "over-quota") throw new DOMException("Quota exceeded", "QuotaExceededError");
        return put.apply(this, args);
      };
      let caught: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.save("T", "first", 1);
          await tx.save("T", "over-quota", 2);
        });
      } catch (error) {
        caught = error;
      } finally {
        proto.put = put;
      }
      expect(caught).toBeInstanceOf(BackendError);
      const error = caught as BackendError;
      expect(error.code).toBe("BACKEND_ERROR");
      expect((error.cause as { name?: string }).name).toBe("QuotaExceededError");
      expect(error.message).toContain("quota");
      expect(await store.get("T", "first")).toBeUndefined();
      expect(keysOf(await collect(store.scan("T")))).toEqual(["ok"]);
      await store.close();
    });

    // idb-keyval's createStore opens the global indexedDB: only where there is one (the browser).
    test.skipIf(!("indexedDB" in globalThis))("a store made by idb-keyval's createStore can be injected", async () => {
      const db = fresh();
      const keyval = createKeyvalStore(db.dbName, "objects");
      const store = createStore(indexedDBDriver({ useStore: keyval }));
      for (const key of ["b", "a", "\u{1F600}", "\uFFFF"]) await store.save("K", key, { key });
      await store.save("L", "x", 1);
      expect(keysOf(await collect(store.scan("K")))).toEqual(["a", "b", "\uFFFF", "\u{1F600}"]);
      expect((await store.page("K", { sort: "key:desc", pagesize: 2 })).result.map((o) => o.key)).toEqual(["\u{1F600}", "\uFFFF"]);
      expect(await store.types()).toEqual(["K", "L"]);
      expect(await keyvalGet(["L", "x"], keyval)).toMatchObject({ key: "x", value: 1, version: "1" });
      await store.truncate("K");
      expect(await store.types()).toEqual(["L"]);
      await store.close();
    });

    // Only meaningful where the runtime has no IndexedDB of its own (Bun, Deno, Node).
    test.skipIf("indexedDB" in globalThis)("without an IndexedDB the first operation rejects with UNSUPPORTED", async () => {
      const store = createObjectStoreInstance({ Type: "IndexedDB" });
      await expectError(store.get("T", "k"), ObjectStoreError, "UNSUPPORTED");
      await store.close();
    });
  });
}
