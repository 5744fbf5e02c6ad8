/** close(): every later call rejects with CLOSED; close is idempotent. @module */
import { describe } from "bun:test";
import "../../src/drivers/register/all.ts";
import { ObjectStoreError, type ObjectStore } from "../../mod.ts";
import { collect, expect, expectError, type Harness } from "./harness.ts";

const T = "Closing";

function everyMethod(store: ObjectStore, cursor: string, ran: { fn: number }): [string, () => Promise<unknown>][] {
  return [
    ["get", () => store.get(T, "a")],
    ["page", () => store.page(T)],
    ["page with cursor", () => store.page(T, { cursor, pagesize: 1 })],
    ["scan", () => collect(store.scan(T))],
    ["types", () => store.types()],
    ["save", () => store.save(T, "b", 1)],
    ["update", () => store.update(T, "a", () => 2)],
    ["remove", () => store.remove(T, "a")],
    ["truncate", () => store.truncate(T)],
    ["transaction", () => store.transaction(async () => void ran.fn++)],
  ];
}

export function closeCases(h: Harness): void {
  describe("close", () => {
    h.test("after close every method rejects with CLOSED and fn never runs", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "c", 1);
      const cursor = (await store.page(T, { pagesize: 1 })).next!;
      expect(typeof cursor).toBe("string");
      await store.close();
      const ran = { fn: 0 };
      for (const [name, call] of everyMethod(store, cursor, ran)) {
        let pending: Promise<unknown>;
        try {
          pending = call();
        } catch (error) {
          throw new Error(`${name} after close threw synchronously instead of rejecting: ${error}`);
        }
        try {
          await expectError(pending, ObjectStoreError, "CLOSED");
        } catch (error) {
          throw new Error(`${name} after close: ${(error as Error).message}`);
        }
      }
      expect(ran.fn).toBe(0);
    });

    h.test("close is idempotent", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.close();
      expect(await store.close()).toBeUndefined();
      await Promise.all([store.close(), store.close()]);
      await expectError(store.get(T, "a"), ObjectStoreError, "CLOSED");
    });

    h.test("close of a store that was never used", async () => {
      const store = await h.open();
      await store.close();
      await expectError(store.types(), ObjectStoreError, "CLOSED");
    });

    h.test("kind names the store", async () => {
      const store = await h.open();
      expect(typeof store.kind).toBe("string");
      expect([
        "Memory", "LibSQL", "MySQL", "PostgreSQL", "SimpleFileStore", "DynamoDB", "IndexedDB", "DenoKV", "D1", "Remote", "Caching", "Migrating", "Offline",
      ]).toContain(store.kind);
    });
  });
}
