/** DESIGN §2.2: staging, own writes, rollback, net effects, CLOSED tx. @module */
import { describe } from "bun:test";
import { ObjectExistsError, ObjectStoreError, type Transaction } from "../../mod.ts";
import { collect, expect, expectError, type Harness, keysOf } from "./harness.ts";

const T = "Order";
const U = "Line";

class MyError extends Error {}

export function transactionCases(h: Harness): void {
  describe("transactions", () => {
    h.test("transaction returns fn's result and commits its writes", async () => {
      const store = await h.open();
      const result = await store.transaction(async (tx) => {
        await tx.save(T, "a", 1);
        await tx.save(U, "b", 2);
        return { ok: 42 };
      });
      expect(result).toEqual({ ok: 42 });
      expect((await store.get(T, "a"))?.value).toBe(1);
      expect((await store.get(U, "b"))?.value).toBe(2);
    });

    h.test("fn throwing writes nothing and its error is re-thrown unchanged", async () => {
      const store = await h.open();
      await store.save(T, "keep", 1);
      const mine = new MyError("mine");
      let thrown: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.save(T, "new", 1);
          await tx.save(T, "keep", 2, "1");
          await tx.remove(T, "keep2", { ignoreMissing: true });
          await tx.truncate(U);
          throw mine;
        });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBe(mine);
      expect(await store.get(T, "new")).toBeUndefined();
      expect(await store.get(T, "keep")).toMatchObject({ value: 1, version: "1" });
    });

    h.test("an ObjectStoreError escaping fn is re-thrown and nothing is written", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "b", 1);
          await tx.save(T, "a", 2);
        }),
        ObjectExistsError,
        "OBJECT_EXISTS",
      );
      expect(await store.get(T, "b")).toBeUndefined();
      expect((await store.get(T, "a"))?.version).toBe("1");
    });

    h.test("own writes are visible to get, page, scan and types inside; not outside before commit", async () => {
      const store = await h.open();
      await store.save(T, "old", { n: 0 });
      await store.save(T, "gone", { n: -1 });
      await store.transaction(async (tx) => {
        expect((await tx.save(T, "new", { n: 1 })).version).toBe("1");
        expect(await tx.save(U, "x", { n: 2 })).toMatchObject({ version: "1" });
        await tx.save(T, "old", { n: 10 }, "1");
        await tx.remove(T, "gone");

        expect(await tx.get(T, "new")).toMatchObject({ type: T, key: "new", value: { n: 1 }, version: "1" });
        expect(await tx.get(T, "old")).toMatchObject({ value: { n: 10 }, version: "2" });
        expect(await tx.get(T, "gone")).toBeUndefined();
        const page = await tx.page(T);
        expect(keysOf(page.result)).toEqual(["new", "old"]);
        expect(page.pagination.total).toBe(2);
        expect(page.result[1]).toMatchObject({ value: { n: 10 }, version: "2" });
        expect(keysOf((await tx.page(T, { query: "10" })).result)).toEqual(["old"]);
        expect(keysOf((await tx.page(T, { sort: "n:desc" })).result)).toEqual(["old", "new"]);
        expect(keysOf(await collect(tx.scan(T)))).toEqual(["new", "old"]);
        expect((await tx.types()).sort()).toEqual([U, T].sort());

        expect(await store.get(T, "new")).toBeUndefined();
        expect(await store.get(T, "gone")).toBeDefined();
        expect((await store.get(T, "old"))?.version).toBe("1");
        expect(await store.types()).toEqual([T]);
      });
      expect(keysOf((await store.page(T)).result)).toEqual(["new", "old"]);
      expect((await store.types()).sort()).toEqual([U, T].sort());
    });

    h.test("types inside a transaction drops a type whose last object it removed", async () => {
      const store = await h.open();
      await store.save(T, "only", 1);
      await store.save(U, "x", 1);
      await store.transaction(async (tx) => {
        await tx.remove(T, "only");
        expect(await tx.types()).toEqual([U]);
        expect((await tx.page(T)).pagination.total).toBe(0);
      });
      expect(await store.types()).toEqual([U]);
    });

    h.test("five saves of one key return 1..5 and commit as one write with version 5", async () => {
      const store = await h.open();
      const versions = await store.transaction(async (tx) => {
        const out: string[] = [];
        out.push((await tx.save(T, "a", 1)).version);
        for (let i = 2; i <= 5; i++) out.push((await tx.save(T, "a", i, String(i - 1))).version);
        await expectError(tx.save(T, "a", 0), ObjectExistsError, "OBJECT_EXISTS");
        expect(await tx.get(T, "a")).toMatchObject({ value: 5, version: "5" });
        return out;
      });
      expect(versions).toEqual(["1", "2", "3", "4", "5"]);
      expect(await store.get(T, "a")).toMatchObject({ value: 5, version: "5" });
      expect((await store.save(T, "a", 6, "5")).version).toBe("6");
    });

    h.test("saves of an existing key in one transaction continue from its version", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, 1);
      await store.transaction(async (tx) => {
        expect((await tx.save(T, "a", 3, "2")).version).toBe("3");
        expect((await tx.update(T, "a", (v) => (v as number) + 1)).version).toBe("4");
        expect((await tx.save(T, "a", 5, 4)).version).toBe("5");
      });
      expect(await store.get(T, "a")).toMatchObject({ value: 5, version: "5" });
    });

    h.test("remove then save of one key commits the net effect", async () => {
      const store = await h.open();
      const t0 = h.clock.iso();
      await store.save(T, "a", "old");
      await store.save(T, "a", "old2", "1");
      h.clock.advance(1000);
      const saved = await store.transaction(async (tx) => {
        await tx.remove(T, "a", { version: "2" });
        expect(await tx.get(T, "a")).toBeUndefined();
        return await tx.save(T, "a", "new");
      });
      expect(saved.version).toBe("1");
      const got = await store.get(T, "a");
      expect(got).toMatchObject({ value: "new", version: saved.version, created: saved.created });
      expect(saved.created).not.toBe(t0);
    });

    h.test("save then remove of a new key commits nothing", async () => {
      const store = await h.open();
      await store.transaction(async (tx) => {
        await tx.save(T, "a", 1);
        await tx.save(T, "a", 2, "1");
        await tx.remove(T, "a", { version: "2" });
        expect(await tx.types()).toEqual([]);
      });
      expect(await store.get(T, "a")).toBeUndefined();
      expect(await store.types()).toEqual([]);
    });

    h.test("save then remove of an existing key removes it", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.transaction(async (tx) => {
        await tx.save(T, "a", 2, "1");
        await tx.remove(T, "a");
      });
      expect(await store.get(T, "a")).toBeUndefined();
    });

    h.test("truncate inside a transaction: staged, visible inside, and saves after it count from 1", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "b", 1);
      await store.save(T, "b", 2, "1");
      await store.save(U, "keep", 1);
      await store.transaction(async (tx) => {
        await tx.truncate(T);
        expect((await tx.page(T)).pagination.total).toBe(0);
        expect(await tx.get(T, "a")).toBeUndefined();
        expect(await tx.types()).toEqual([U]);
        expect(await store.get(T, "a")).toBeDefined();
        expect((await tx.save(T, "b", "fresh")).version).toBe("1");
      });
      expect(keysOf((await store.page(T)).result)).toEqual(["b"]);
      expect(await store.get(T, "b")).toMatchObject({ value: "fresh", version: "1" });
      expect(await store.get(U, "keep")).toBeDefined();
    });

    h.test("truncate removes every object of the type present at commit", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.transaction(async (tx) => {
        await tx.truncate(T);
        await store.save(T, "late", 1);
      });
      expect((await store.page(T)).pagination.total).toBe(0);
      expect(await store.types()).toEqual([]);
    });

    h.test("a tx used after its transaction ended rejects with CLOSED", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      let kept: Transaction | undefined;
      await store.transaction(async (tx) => {
        kept = tx;
      });
      await expectAllClosed(kept!);
      let failed: Transaction | undefined;
      await store
        .transaction(async (tx) => {
          failed = tx;
          throw new MyError("x");
        })
        .catch(() => {});
      await expectAllClosed(failed!);
      expect(await store.get(T, "a")).toMatchObject({ value: 1, version: "1" });
    });

    h.test("store.transaction inside fn is an independent transaction", async () => {
      const store = await h.open();
      await store
        .transaction(async (outer) => {
          await outer.save(T, "outer", 1);
          await store.transaction(async (inner) => {
            expect(await inner.get(T, "outer")).toBeUndefined();
            await inner.save(T, "inner", 1);
          });
          expect(await outer.get(T, "inner")).toMatchObject({ value: 1 });
          throw new MyError("roll back outer only");
        })
        .catch((error) => {
          if (!(error instanceof MyError)) throw error;
        });
      expect(await store.get(T, "inner")).toMatchObject({ value: 1, version: "1" });
      expect(await store.get(T, "outer")).toBeUndefined();
    });
  });
}

async function expectAllClosed(tx: Transaction): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ["get", () => tx.get(T, "a")],
    ["page", () => tx.page(T)],
    ["scan", () => collect(tx.scan(T))],
    ["types", () => tx.types()],
    ["save", () => tx.save(T, "z", 1)],
    ["update", () => tx.update(T, "a", () => 2)],
    ["remove", () => tx.remove(T, "a")],
    ["truncate", () => tx.truncate(T)],
  ];
  for (const [name, call] of calls) {
    let pending: Promise<unknown>;
    try {
      pending = call();
    } catch (error) {
      throw new Error(`tx.${name} after the end threw synchronously instead of rejecting: ${error}`);
    }
    try {
      await expectError(pending, ObjectStoreError, "CLOSED");
    } catch (error) {
      throw new Error(`tx.${name} after the end: ${(error as Error).message}`);
    }
  }
}
