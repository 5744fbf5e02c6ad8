/**
 * The browser test bundle (built by test/browser/build.ts, `bun:test` mapped to
 * bun-test-shim.ts): the conformance suite and the IndexedDB specifics against Chromium's own
 * IndexedDB, plus page-level helpers for the multi-page tests. Everything is exposed as
 * `globalThis.objstoreTests` for test/indexeddb-chromium.test.ts to drive.
 * @module
 */
import "../../src/drivers/register/all.ts";
import { createObjectStoreInstance, type ObjectStore } from "../../mod.ts";
import { conformance } from "../conformance/mod.ts";
import { finish, listTests, runTest } from "./bun-test-shim.ts";
import { indexedDBCases } from "./indexeddb-cases.ts";
import { measure } from "./measure.ts";

let n = 0;
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const freshDb = () => ({ dbName: `objstore-${run}-${++n}`, globals: { indexedDB, IDBKeyRange } });

conformance("IndexedDB (Chromium)", (options) => createObjectStoreInstance({ Type: "IndexedDB", dbName: freshDb().dbName }, options));

// Chromium offers no way for a page to force-close a connection, so that case is skipped here.
indexedDBCases("IndexedDB specifics (Chromium)", freshDb, { objectStorePrototype: IDBObjectStore.prototype });

/** `size` random letters: data Chromium cannot compress away. */
function noise(size: number): string {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  let out = "";
  for (let i = 0; i < size; i += 8_192) out += String.fromCharCode(...bytes.subarray(i, i + 8_192).map((b) => 65 + (b % 58)));
  return out;
}

const open = (dbName: string): ObjectStore => createObjectStoreInstance({ Type: "IndexedDB", dbName });
const held = new Map<string, ObjectStore>();

/** Helpers for tests that span pages (each page is its own IndexedDB connection). */
const pages = {
  /** Creates Counter/n at 0. */
  async createCounter(dbName: string): Promise<void> {
    const store = open(dbName);
    try {
      await store.save("Counter", "n", 0);
    } finally {
      await store.close();
    }
  },
  /** `rounds` read-modify-write transactions on Counter/n, retried on conflicts; returns the retries. */
  async bump(dbName: string, rounds: number): Promise<number> {
    const store = open(dbName);
    let attempts = 0;
    try {
      for (let i = 0; i < rounds; i++) {
        await store.transaction(async (tx) => {
          attempts++;
          await tx.update("Counter", "n", (n) => (n as number) + 1);
        }, { retries: 100_000 });
      }
    } finally {
      await store.close();
    }
    return attempts - rounds;
  },
  /** The counter's value and version. */
  async counter(dbName: string): Promise<{ value: unknown; version: string | undefined }> {
    const store = open(dbName);
    try {
      const found = await store.get("Counter", "n");
      return { value: found?.value, version: found?.version };
    } finally {
      await store.close();
    }
  },
  /** Opens a store on this page, keeps it open, saves T/a. */
  async hold(dbName: string): Promise<void> {
    const store = open(dbName);
    held.set(dbName, store);
    await store.save("T", "a", "before");
  },
  /** Uses the held store again: what T/a holds, then saves and reads T/b. */
  async reuse(dbName: string): Promise<{ a: unknown; b: unknown }> {
    const store = held.get(dbName)!;
    const a = (await store.get("T", "a"))?.value;
    await store.save("T", "b", "after");
    const b = (await store.get("T", "b"))?.value;
    return { a, b };
  },
  /** Deletes the database from this page; rejects if another page's connection blocks it. */
  deleteDatabase(dbName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName);
      const timer = setTimeout(() => reject(new Error("deleteDatabase blocked by an open connection")), 10_000);
      request.onsuccess = () => (clearTimeout(timer), resolve());
      request.onerror = () => (clearTimeout(timer), reject(request.error));
    });
  },
  /** Saves `size`-character values until the origin's quota stops it; the error's code and cause. */
  async fillQuota(dbName: string, size: number, most: number): Promise<{ saved: number; code?: string; cause?: string; message?: string; readBack: number }> {
    const store = open(dbName);
    let saved = 0;
    try {
      for (; saved < most; saved++) await store.save("Big", `k${saved}`, { big: noise(size), i: saved });
      return { saved, readBack: -1 };
    } catch (error) {
      const e = error as { code?: string; cause?: { name?: string }; message?: string };
      let readBack = 0;
      for await (const _ of store.scan("Big")) readBack++;
      return { saved, code: e.code, cause: e.cause?.name, message: e.message, readBack };
    } finally {
      await store.close();
    }
  },
};

(globalThis as Record<string, unknown>).objstoreTests = { listTests, runTest, finish, pages, measure };
