/**
 * Listing limits, the same on every backend: at most 32 distinct query terms and 10 sort
 * fields (just under works exactly, over is INVALID_ARGUMENT naming the limit), and any safe
 * integer offset (exact, however large).
 * @module
 */
import { describe } from "bun:test";
import { InvalidInputError } from "../../mod.ts";
import { collect, expect, expectError, type Harness, keysOf } from "./harness.ts";

const T = "Lim";
const terms = (n: number) => Array.from({ length: n }, (_, i) => `w${String(i).padStart(2, "0")}`);
const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${String(i).padStart(2, "0")}`);

export function limitCases(h: Harness): void {
  describe("limits", () => {
    h.test("32 distinct query terms match exactly; 33 is INVALID_ARGUMENT naming the limit", async () => {
      const store = await h.open();
      await store.save(T, "all", { words: terms(32) });
      await store.save(T, "most", { words: terms(31) });
      await store.save(T, "none", { words: [] });
      const query = terms(32).join(" ");
      expect(keysOf((await store.page(T, { query })).result)).toEqual(["all"]);
      expect((await store.page(T, { query })).pagination.total).toBe(1);
      expect(keysOf((await store.page(T, { query, sort: "words:desc" })).result)).toEqual(["all"]);
      expect(keysOf(await collect(store.scan(T, { query })))).toEqual(["all"]);
      expect(keysOf((await store.page(T, { query: terms(31).join(" ") })).result)).toEqual(["all", "most"]);
      // Repeats are one term.
      expect(keysOf((await store.page(T, { query: `${query} ${query} W00` })).result)).toEqual(["all"]);
      const over = `${query} w32`;
      for (const action of [store.page(T, { query: over }), collect(store.scan(T, { query: over })), store.transaction((tx) => tx.page(T, { query: over }))]) {
        const error = await expectError(action, InvalidInputError, "INVALID_ARGUMENT");
        expect(error.message).toContain("at most 32");
      }
    });

    h.test("10 sort fields order exactly, cursor pages too; 11 is INVALID_ARGUMENT naming the limit", async () => {
      const store = await h.open();
      // Every field ties but the last, which decides (descending).
      const same = Object.fromEntries(fields(9).map((f) => [f, 1]));
      for (const [key, last] of [["a", 1], ["b", 3], ["c", 2]] as const) await store.save(T, key, { ...same, f09: last });
      const sort = [...fields(9), "f09:desc"].join(",");
      expect(keysOf((await store.page(T, { sort })).result)).toEqual(["b", "c", "a"]);
      const walked: string[] = [];
      let page = await store.page(T, { sort, pagesize: 1 });
      for (;;) {
        walked.push(...keysOf(page.result));
        if (!page.next) break;
        page = await store.page(T, { cursor: page.next, pagesize: 1 });
      }
      expect(walked).toEqual(["b", "c", "a"]);
      const over = `${sort},f10`;
      for (const action of [store.page(T, { sort: over }), store.transaction((tx) => tx.page(T, { sort: over }))]) {
        const error = await expectError(action, InvalidInputError, "INVALID_ARGUMENT");
        expect(error.message).toContain("at most 10");
      }
    });

    h.test("offsets past 2^31, up to the largest safe integer, are exact", async () => {
      const store = await h.open();
      for (const key of ["a", "b", "c"]) await store.save(T, key, { n: key });
      for (const offset of [2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
        for (const params of [{}, { sort: "n:desc" }, { query: "n" }]) {
          const page = await store.page(T, { ...params, offset, pagesize: 2 });
          expect({ offset, params, page }).toEqual({ offset, params, page: { pagination: { offset, pagesize: 2, total: 3 }, result: [] } });
        }
      }
      expect(keysOf((await store.page(T, { offset: 1, pagesize: 2 ** 31 })).result)).toEqual(["b", "c"]);
    });
  });
}
