// The IndexedDB driver under fake-indexeddb (a fresh IDBFactory per store), on every runtime.
// test/indexeddb-chromium.test.ts runs the same suite in a real Chromium.
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
