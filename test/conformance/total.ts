/** DESIGN §2.3: `total: false` pages skip the count and are otherwise the counted pages. @module */
import { describe } from "bun:test";
import { InvalidInputError } from "../../mod.ts";
import type { ObjectStore, PageParams } from "../../mod.ts";
import { expect, expectError, type Harness, keysOf, saveAll, shuffled } from "./harness.ts";

const T = "Row";

/** A counted page and its uncounted twin agree on everything but `total`. */
async function expectTwins(store: ObjectStore | { page: ObjectStore["page"] }, params: PageParams, label: string) {
  const counted = await store.page(T, params);
  const uncounted = await store.page(T, { ...params, total: false });
  expect({ label, pagination: uncounted.pagination }).toEqual({ label, pagination: { ...counted.pagination, total: -1 } });
  expect({ label, keys: keysOf(uncounted.result) }).toEqual({ label, keys: keysOf(counted.result) });
  expect({ label, values: uncounted.result }).toEqual({ label, values: counted.result });
  expect({ label, more: uncounted.next !== undefined }).toEqual({ label, more: counted.next !== undefined });
  if (counted.next !== undefined) {
    const after = await store.page(T, { cursor: uncounted.next, pagesize: params.pagesize });
    const expected = await store.page(T, { cursor: counted.next, pagesize: params.pagesize });
    expect({ label, after: keysOf(after.result) }).toEqual({ label, after: keysOf(expected.result) });
  }
}

export function totalCases(h: Harness): void {
  describe("total: false", () => {
    h.test("total: false gives total -1, the same rows and next iff more follow", async () => {
      const store = await h.open();
      const keys = ["k1", "k2", "k3", "k4", "k5", "x6", "x7"];
      await saveAll(store, T, shuffled(keys).map((k, i) => [k, { n: i % 3, k }]));
      for (const offset of [0, 2, 4, 7, 10]) {
        for (const pagesize of [0, 1, 2, 5, 10]) {
          for (const extra of [{}, { query: "k" }, { sort: "n:desc" }, { query: "k", sort: "n" }]) {
            await expectTwins(store, { offset, pagesize, ...extra }, JSON.stringify({ offset, pagesize, ...extra }));
          }
        }
      }
      expect((await store.page("Empty", { total: false })).pagination).toEqual({ offset: 0, pagesize: 100, total: -1 });
      expect((await store.page(T, { total: true })).pagination.total).toBe(keys.length);
    });

    h.test("total: false inside a transaction sees its staged writes", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1], ["b", 2], ["c", 3]]);
      await store.transaction(async (tx) => {
        await tx.remove(T, "b");
        await tx.save(T, "d", 4);
        for (const offset of [0, 1, 2, 3]) {
          for (const pagesize of [1, 2, 3]) await expectTwins(tx, { offset, pagesize }, `tx offset ${offset} pagesize ${pagesize}`);
        }
        const page = await tx.page(T, { total: false, pagesize: 2 });
        expect(keysOf(page.result)).toEqual(["a", "c"]);
        expect(page.pagination.total).toBe(-1);
      });
    });

    h.test("a total that is not a boolean is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      for (const value of ["false", 0, 1, null, {}]) {
        await expectError(store.page(T, { total: value as never }), InvalidInputError, "INVALID_ARGUMENT");
        await expectError(store.transaction((tx) => tx.page(T, { total: value as never })), InvalidInputError, "INVALID_ARGUMENT");
      }
    });
  });
}
