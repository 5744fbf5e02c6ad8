/**
 * Timings of the IndexedDB driver in the page (bench/indexeddb-chromium.ts prints them).
 * @module
 */
import "../../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../../mod.ts";

/** One measured operation: total ms and how many times it ran. */
export interface Timing {
  what: string;
  ms: number;
  times: number;
}

/** Loads `n` objects into a fresh database and times the driver's operations on them. */
export async function measure(dbName: string, n: number): Promise<Timing[]> {
  const store = createObjectStoreInstance({ Type: "IndexedDB", dbName });
  const out: Timing[] = [];
  const time = async (what: string, times: number, fn: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < times; i++) await fn(i);
    out.push({ what, ms: performance.now() - started, times });
  };
  const key = (i: number) => `k${String(i).padStart(6, "0")}`;
  const value = (i: number) => ({ name: `name ${i}`, n: (i * 7919) % n, tag: i % 10 === 0 ? "rare" : "common", text: "x".repeat(200) });
  try {
    await time(`load ${n} objects, 100 per transaction`, n / 100, (b) =>
      store.transaction(async (tx) => {
        for (let i = b * 100; i < b * 100 + 100; i++) await tx.save("Item", key(i), value(i));
      }));
    await time("save (create, one commit each)", 200, (i) => store.save("Single", key(i), value(i)));
    await time("save with version (read + commit)", 200, (i) => store.save("Single", key(i), value(i + 1), "1"));
    await time("get", 500, (i) => store.get("Item", key((i * 37) % n)));
    await time("page: key order, first 100, with total", 20, () => store.page("Item", { pagesize: 100 }));
    await time(`page: key order, offset ${n - 100}, with total`, 20, () => store.page("Item", { offset: n - 100, pagesize: 100 }));
    await time(`page: key order, offset ${n - 100}, total: false`, 20, () => store.page("Item", { offset: n - 100, pagesize: 100, total: false }));
    const raw = await rawStore(dbName, n, key, value);
    await time(`raw IndexedDB: cursor advance ${n - 100}, then 100 values`, 20, () => raw(n - 100, 100));
    await time("raw IndexedDB: count()", 20, () => raw(-1, 0));
    const first = await store.page("Item", { pagesize: 100 });
    await time("page: key order, by cursor", 20, () => store.page("Item", { cursor: first.next, pagesize: 100 }));
    await time(`page: sort n:desc over ${n}, first 100`, 5, () => store.page("Item", { sort: "n:desc", pagesize: 100 }));
    await time(`page: query "rare" over ${n}`, 5, () => store.page("Item", { query: "rare", pagesize: 100 }));
    await time(`scan ${n}`, 3, async () => {
      for await (const _ of store.scan("Item")) { /* count */ }
    });
    for (let t = 0; t < 50; t++) await store.save(`Type${t}`, "k", t);
    await time("types (52 types)", 20, () => store.types());
    await time(`truncate ${n}`, 1, () => store.truncate("Item"));
  } finally {
    await store.close();
  }
  return out;
}

/**
 * The peer of the offset pages: a plain IndexedDB store holding the same objects by key, read
 * with one cursor that advances past `offset` and collects `limit` values (offset -1: `count()`).
 */
async function rawStore(dbName: string, n: number, key: (i: number) => string, value: (i: number) => unknown) {
  const request = (r: IDBRequest) => new Promise<unknown>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  const open = indexedDB.open(`${dbName}-raw`, 1);
  open.onupgradeneeded = () => open.result.createObjectStore("items");
  const db = (await request(open)) as IDBDatabase;
  const load = db.transaction("items", "readwrite");
  for (let i = 0; i < n; i++) load.objectStore("items").put(value(i), key(i));
  await new Promise((resolve) => (load.oncomplete = resolve));
  return (offset: number, limit: number) => new Promise<unknown>((resolve, reject) => {
    const items = db.transaction("items").objectStore("items");
    if (offset < 0) return void request(items.count()).then(resolve, reject);
    const values: unknown[] = [];
    const cursor = items.openCursor();
    let skipped = offset === 0;
    cursor.onerror = () => reject(cursor.error);
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return resolve(values);
      if (!skipped) return (skipped = true), c.advance(offset);
      values.push(c.value);
      if (values.length === limit) return resolve(values);
      c.continue();
    };
  });
}
