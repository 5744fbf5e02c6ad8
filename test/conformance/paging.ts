/** DESIGN §2.3: page offsets, sizes, defaults, clamping and bad arguments. @module */
import { describe } from "bun:test";
import { InvalidInputError } from "../../mod.ts";
import { compareCodePoints, expect, expectError, type Harness, keysOf, saveAll, shuffled } from "./harness.ts";

const T = "Row";

export function pagingCases(h: Harness): void {
  describe("paging", () => {
    h.test("an empty type gives total 0 and no rows", async () => {
      const store = await h.open();
      const page = await store.page(T, { pagesize: 10 });
      expect(page.pagination).toEqual({ offset: 0, pagesize: 10, total: 0 });
      expect(page.result).toEqual([]);
      expect(page.next).toBeUndefined();
    });

    h.test("5 rows in every offset x pagesize of {0,2,4,10} x {2,5,10}", async () => {
      const store = await h.open();
      const keys = ["k1", "k2", "k3", "k4", "k5"];
      await saveAll(store, T, shuffled(keys).map((k) => [k, { k }]));
      for (const offset of [0, 2, 4, 10]) {
        for (const pagesize of [2, 5, 10]) {
          const page = await store.page(T, { offset, pagesize });
          const label = `offset ${offset} pagesize ${pagesize}`;
          expect({ label, pagination: page.pagination }).toEqual({ label, pagination: { offset, pagesize, total: 5 } });
          expect({ label, keys: keysOf(page.result) }).toEqual({ label, keys: keys.slice(offset, offset + pagesize) });
          expect({ label, values: page.result.map((o) => o.value) }).toEqual({
            label,
            values: keys.slice(offset, offset + pagesize).map((k) => ({ k })),
          });
          expect({ label, next: page.next !== undefined }).toEqual({ label, next: offset + pagesize < 5 });
        }
      }
    });

    h.test("page rows are complete stored objects", async () => {
      const store = await h.open();
      const stamp = h.clock.iso();
      await store.save(T, "a", { x: [1, { y: null }] });
      const page = await store.page(T);
      expect(page.result).toEqual([
        { type: T, key: "a", value: { x: [1, { y: null }] }, version: "1", created: stamp, updated: stamp },
      ]);
    });

    h.test("defaults: offset 0, pagesize 100", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1], ["b", 2], ["c", 3]]);
      for (const params of [undefined, {}, { offset: undefined, pagesize: undefined }]) {
        const page = await store.page(T, params);
        expect(page.pagination).toEqual({ offset: 0, pagesize: 100, total: 3 });
        expect(keysOf(page.result)).toEqual(["a", "b", "c"]);
      }
    });

    h.test("pagesize is clamped to 100 by default", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1]]);
      expect((await store.page(T, { pagesize: 101 })).pagination.pagesize).toBe(100);
      expect((await store.page(T, { pagesize: 100000 })).pagination).toEqual({ offset: 0, pagesize: 100, total: 1 });
    });

    h.test("pagesize and its default are clamped to maxPagesize", async () => {
      const store = await h.open({ maxPagesize: 3 });
      await saveAll(store, T, shuffled(["a", "b", "c", "d", "e", "f", "g"]).map((k) => [k, k]));
      const byDefault = await store.page(T);
      expect(byDefault.pagination).toEqual({ offset: 0, pagesize: 3, total: 7 });
      expect(keysOf(byDefault.result)).toEqual(["a", "b", "c"]);
      const big = await store.page(T, { offset: 2, pagesize: 50 });
      expect(big.pagination).toEqual({ offset: 2, pagesize: 3, total: 7 });
      expect(keysOf(big.result)).toEqual(["c", "d", "e"]);
      const small = await store.page(T, { offset: 5, pagesize: 2 });
      expect(small.pagination).toEqual({ offset: 5, pagesize: 2, total: 7 });
      expect(keysOf(small.result)).toEqual(["f", "g"]);
    });

    h.test("pagesize 0 gives the total and no rows", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1], ["b", 2]]);
      const page = await store.page(T, { pagesize: 0 });
      expect(page.pagination).toEqual({ offset: 0, pagesize: 0, total: 2 });
      expect(page.result).toEqual([]);
      const filtered = await store.page(T, { pagesize: 0, offset: 1, query: "b" });
      expect(filtered.pagination).toEqual({ offset: 1, pagesize: 0, total: 1 });
    });

    h.test("offset past the end gives no rows and the exact total", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1], ["b", 2]]);
      const page = await store.page(T, { offset: 1000, pagesize: 10 });
      expect(page.pagination).toEqual({ offset: 1000, pagesize: 10, total: 2 });
      expect(page.result).toEqual([]);
      expect(page.next).toBeUndefined();
    });

    h.test("negative, non-integer or non-number offset and pagesize are INVALID_ARGUMENT", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", 1]]);
      const bad: unknown[] = [-1, 1.5, NaN, Infinity, -Infinity, "2", null, true];
      for (const value of bad) {
        await expectError(store.page(T, { offset: value as never }), InvalidInputError, "INVALID_ARGUMENT");
        await expectError(store.page(T, { pagesize: value as never }), InvalidInputError, "INVALID_ARGUMENT");
        await expectError(
          store.transaction((tx) => tx.page(T, { pagesize: value as never })),
          InvalidInputError,
          "INVALID_ARGUMENT",
        );
      }
    });

    h.test("a non-string query or sort is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      for (const value of [5, {}, ["a"], true]) {
        await expectError(store.page(T, { query: value as never }), InvalidInputError, "INVALID_ARGUMENT");
        await expectError(store.page(T, { sort: value as never }), InvalidInputError, "INVALID_ARGUMENT");
      }
    });

    h.test("no sort means key order by code point, whatever the insertion order", async () => {
      const store = await h.open();
      const keys = ["b", "B", "a", "a b", "ab", "A", "10", "9", "\uFF5E", "\u{1F600}", "é", "e", "a/b", "z"];
      await saveAll(store, T, shuffled(keys).map((k) => [k, 1]));
      const expected = [...keys].sort(compareCodePoints);
      expect(expected.indexOf("\uFF5E")).toBeLessThan(expected.indexOf("\u{1F600}"));
      expect(keysOf((await store.page(T)).result)).toEqual(expected);
      expect(keysOf((await store.page(T, { offset: 3, pagesize: 4 })).result)).toEqual(expected.slice(3, 7));
    });
  });
}
