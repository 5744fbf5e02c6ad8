/**
 * A write based on a read of the same transaction, whose object another writer removed before
 * the commit, is a conflict (WRONG_OBJECT_VERSION, so `retries` re-runs `fn`), never
 * OBJECT_MISSING, never a create of the object again. @module
 */
import { describe } from "bun:test";
import { ObjectMissingError, type Transaction, WrongObjectVersionError } from "../../mod.ts";
import { collect, expect, expectError, type Harness } from "./harness.ts";

const T = "Removed";

/** The reads a transaction can base a write on. */
const READS: [string, (tx: Transaction) => Promise<unknown>][] = [
  ["get", (tx) => tx.get(T, "a")],
  ["page", (tx) => tx.page(T)],
  ["scan", (tx) => collect(tx.scan(T))],
];

/** The writes that can follow, each of which would otherwise act on a missing object. */
const WRITES: [string, (tx: Transaction) => Promise<unknown>][] = [
  ["save with the version read", (tx) => tx.save(T, "a", "mine", "1")],
  ["save without a version", (tx) => tx.save(T, "a", "mine")],
  ["update", (tx) => tx.update(T, "a", () => "mine")],
  ["update with the version read", (tx) => tx.update(T, "a", () => "mine", "1")],
  ["remove", (tx) => tx.remove(T, "a")],
  ["remove with the version read", (tx) => tx.remove(T, "a", { version: "1" })],
  ["remove with ignoreMissing", (tx) => tx.remove(T, "a", { ignoreMissing: true })],
];

export function removedCases(h: Harness): void {
  describe("conflicts: removed after this transaction read it", () => {
    h.test("every write based on a read (get, page, scan) of an object removed from outside is WRONG_OBJECT_VERSION", async () => {
      const store = await h.open();
      for (const [readName, read] of READS) {
        for (const [writeName, write] of WRITES) {
          // A create without a version after only a page or scan is a blind create: its absent
          // condition is decided at commit (OBJECT_EXISTS / nothing written), like any unread create.
          if (readName !== "get" && writeName === "save without a version") continue;
          await store.save(T, "a", "v1");
          try {
            await expectError(
              store.transaction(async (tx) => {
                await tx.save(T, "side", 1);
                await read(tx);
                await store.remove(T, "a");
                await write(tx);
              }),
              WrongObjectVersionError,
              "WRONG_OBJECT_VERSION",
            );
          } catch (error) {
            throw new Error(`${readName} then ${writeName}: ${(error as Error).message}`);
          }
          expect({ readName, writeName, a: await store.get(T, "a"), side: await store.get(T, "side") })
            .toEqual({ readName, writeName, a: undefined, side: undefined });
        }
      }
    });

    h.test("with retries the transaction runs again and then follows the save/remove rules", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      let runs = 0;
      await expectError(
        store.transaction(async (tx) => {
          runs++;
          const seen = await tx.get(T, "a");
          if (runs === 1) await store.remove(T, "a");
          await tx.save(T, "a", "mine", seen?.version ?? "1");
        }, { retries: 3 }),
        ObjectMissingError,
        "OBJECT_MISSING",
      );
      expect(runs).toBe(2);

      await store.save(T, "b", "v1");
      runs = 0;
      const result = await store.transaction(async (tx) => {
        runs++;
        const seen = await tx.get(T, "b");
        if (runs === 1) await store.remove(T, "b");
        return seen ? tx.save(T, "b", "next", seen.version) : tx.save(T, "b", "fresh");
      }, { retries: 3 });
      expect(runs).toBe(2);
      expect(result.version).toBe("1");
      expect(await store.get(T, "b")).toMatchObject({ value: "fresh", version: "1" });
    });

    h.test("a write without an earlier read of its object keeps the save/remove rules", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      await store.remove(T, "a");
      await expectError(store.transaction((tx) => tx.save(T, "a", "mine", "1")), ObjectMissingError, "OBJECT_MISSING");
      await expectError(store.transaction((tx) => tx.remove(T, "a")), ObjectMissingError, "OBJECT_MISSING");
      await store.transaction((tx) => tx.remove(T, "a", { ignoreMissing: true }));
      // A read that saw the object missing is no conflict: the matrix decides.
      await expectError(
        store.transaction(async (tx) => {
          expect(await tx.get(T, "a")).toBeUndefined();
          await tx.save(T, "a", "mine", "1");
        }),
        ObjectMissingError,
        "OBJECT_MISSING",
      );
      expect(await store.types()).toEqual([]);
    });
  });
}
