// The IndexedDB driver under fake-indexeddb (a fresh IDBFactory per store), on every runtime.
// test/indexeddb-chromium.test.ts runs the same suite in a real Chromium.
import { describe, expect, test } from "bun:test";
import { forceCloseDatabase, IDBFactory, IDBKeyRange, IDBObjectStore } from "fake-indexeddb";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { indexedDBCases } from "./browser/indexeddb-cases.ts";
import { conformance } from "./conformance/mod.ts";

let n = 0;
const freshDb = () => ({ dbName: `objstore-test-${++n}`, globals: { indexedDB: new IDBFactory(), IDBKeyRange } });

conformance("IndexedDB (fake-indexeddb)", (options) => {
  const { dbName, globals } = freshDb();
  return createObjectStoreInstance({ Type: "IndexedDB", dbName }, { ...options, indexedDB: globals });
});

indexedDBCases("IndexedDB specifics (fake-indexeddb)", freshDb, {
  forceClose: (db) => forceCloseDatabase(db),
  objectStorePrototype: IDBObjectStore.prototype,
});

describe("IndexedDB offsets (fake-indexeddb)", () => {
  test("offsets across several key batches give the exact slice, with and without total", async () => {
    const { dbName, globals } = freshDb();
    const store = createObjectStoreInstance({ Type: "IndexedDB", dbName }, { indexedDB: globals });
    const key = (i: number) => `k${String(i).padStart(5, "0")}`;
    await store.transaction(async (tx) => {
      for (let i = 0; i < 2100; i++) await tx.save("T", key(i), i);
    });
    for (const offset of [999, 1000, 1001, 2000, 2098, 2100, 5000]) {
      for (const total of [true, false]) {
        const page = await store.page("T", { offset, pagesize: 3, total });
        const expected = [offset, offset + 1, offset + 2].filter((i) => i < 2100).map(key);
        expect({ offset, total, keys: page.result.map((o) => o.key) }).toEqual({ offset, total, keys: expected });
        expect(page.pagination.total).toBe(total ? 2100 : -1);
        expect(page.next !== undefined).toBe(offset + 3 < 2100);
      }
    }
    await store.close();
  }, 60_000);
});
