/** DESIGN §2.3: cursor / next keyset pagination. @module */
import { describe } from "bun:test";
import { InvalidInputError, type ObjectStore, type PageParams, type StoredObject } from "../../mod.ts";
import { compareCodePoints, expect, expectError, type Harness, keysOf, saveAll, shuffled } from "./harness.ts";

const T = "Walk";

const key = (i: number) => `k${String(i).padStart(3, "0")}`;

/** Walks every page from a first request, returning the pages. */
async function walk(
  store: ObjectStore,
  first: PageParams,
  between?: (pageIndex: number, seen: StoredObject<unknown>[]) => Promise<void>,
  pagesizes?: number[],
) {
  let page = await store.page(T, first);
  const pages = [page];
  const seen = [...page.result];
  while (page.next !== undefined) {
    if (pages.length > 1000) throw new Error("walk does not end");
    if (between) await between(pages.length, seen);
    const pagesize = pagesizes?.[pages.length % pagesizes.length] ?? first.pagesize;
    page = await store.page(T, { cursor: page.next, pagesize });
    pages.push(page);
    seen.push(...page.result);
  }
  return { pages, seen };
}

export function cursorCases(h: Harness): void {
  describe("cursor", () => {
    h.test("next is present iff more rows follow; cursor pages have total -1", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled([1, 2, 3, 4, 5, 6, 7].map((i) => [key(i), i])));
      const { pages } = await walk(store, { pagesize: 3 });
      expect(pages.map((p) => keysOf(p.result))).toEqual([
        [key(1), key(2), key(3)],
        [key(4), key(5), key(6)],
        [key(7)],
      ]);
      expect(pages.map((p) => p.pagination.total)).toEqual([7, -1, -1]);
      expect(pages.map((p) => p.pagination.pagesize)).toEqual([3, 3, 3]);
      expect(pages.map((p) => typeof p.next)).toEqual(["string", "string", "undefined"]);
    });

    h.test("no next when the last page is exactly full", async () => {
      const store = await h.open();
      await saveAll(store, T, [1, 2, 3, 4, 5, 6].map((i) => [key(i), i]));
      const { pages } = await walk(store, { pagesize: 3 });
      expect(pages.map((p) => keysOf(p.result))).toEqual([[key(1), key(2), key(3)], [key(4), key(5), key(6)]]);
      expect(pages[1]?.next).toBeUndefined();
      const all = await store.page(T, { pagesize: 6 });
      expect(all.next).toBeUndefined();
    });

    h.test("a walk visits every object exactly once, in order, whatever the page size", async () => {
      const store = await h.open();
      const keys = Array.from({ length: 23 }, (_, i) => key(i));
      await saveAll(store, T, shuffled(keys).map((k) => [k, { k }]));
      for (const pagesize of [1, 2, 5, 22, 23]) {
        const { seen } = await walk(store, { pagesize });
        expect({ pagesize, keys: keysOf(seen) }).toEqual({ pagesize, keys });
        expect(seen[4]).toMatchObject({ type: T, key: keys[4], value: { k: keys[4] }, version: "1" });
      }
      const { seen } = await walk(store, { pagesize: 4 }, undefined, [2, 7, 3]);
      expect(keysOf(seen)).toEqual(keys);
    });

    h.test("a walk with sort and query visits the matches exactly once in sort order", async () => {
      const store = await h.open();
      const rows: [string, unknown][] = Array.from({ length: 30 }, (_, i) => [
        key(i),
        { group: i % 3 === 0 ? "even-ish" : "odd", score: (i * 7) % 5, label: i % 2 ? null : `L${i % 4}` },
      ]);
      await saveAll(store, T, shuffled(rows));
      for (const [sort, query] of [["score:desc", "odd"], ["label,score", ""], ["score,label:desc", "even"]]) {
        const expected = keysOf((await store.page(T, { sort, query, pagesize: 100 })).result);
        const { seen, pages } = await walk(store, { sort, query, pagesize: 4 });
        expect({ sort, query, keys: keysOf(seen) }).toEqual({ sort, query, keys: expected });
        expect(pages[0]?.pagination.total).toBe(expected.length);
        const { seen: again } = await walk(store, { sort, query, pagesize: 4 }, undefined, [4]);
        expect(keysOf(again)).toEqual(expected);
      }
    });

    h.test("passing the same sort and query with the cursor is allowed", async () => {
      const store = await h.open();
      await saveAll(store, T, [1, 2, 3, 4, 5].map((i) => [key(i), { n: -i, t: "x" }]));
      const first = await store.page(T, { sort: "n", query: "x", pagesize: 2 });
      const second = await store.page(T, { sort: "n", query: "x", pagesize: 2, cursor: first.next });
      expect(keysOf(second.result)).toEqual([key(3), key(2)]);
      expect(second.pagination.total).toBe(-1);
    });

    h.test("objects added and removed between pages never make a walk return one twice", async () => {
      const store = await h.open();
      const initial = Array.from({ length: 40 }, (_, i) => key(i * 10));
      await saveAll(store, T, shuffled(initial).map((k) => [k, 1]));
      const removed = new Set<string>();
      let added = 0;
      const { seen } = await walk(store, { pagesize: 4 }, async (index, seenSoFar) => {
        const last = seenSoFar[seenSoFar.length - 1]!.key;
        const ahead = initial.filter((k) => compareCodePoints(k, last) > 0 && !removed.has(k));
        const victim = ahead[1];
        if (victim !== undefined) {
          removed.add(victim);
          await store.remove(T, victim);
        }
        const behind = seenSoFar[Math.floor(seenSoFar.length / 2)]!.key;
        await store.remove(T, behind);
        await store.save(T, behind, "again");
        await store.save(T, `${last}-new${index}`, 2);
        await store.save(T, `k000-before${index}`, 3);
        added += 2;
      });
      const keys = keysOf(seen);
      expect(new Set(keys).size).toBe(keys.length);
      expect([...keys].sort(compareCodePoints)).toEqual(keys);
      for (const k of initial) {
        if (!removed.has(k)) expect(keys).toContain(k);
      }
      for (const k of removed) expect(keys).not.toContain(k);
      expect(added).toBeGreaterThan(10);
    });

    h.test("objects removed between pages are not returned later, with a sort", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled(Array.from({ length: 12 }, (_, i) => [key(i), { n: 12 - i }])));
      const { seen } = await walk(store, { sort: "n", pagesize: 3 }, async (index) => {
        if (index === 1) {
          await store.remove(T, key(0));
          await store.remove(T, key(1));
        }
      });
      const keys = keysOf(seen);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map(key));
    });

    h.test("a cursor with a different sort or query is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      await saveAll(store, T, [1, 2, 3, 4, 5].map((i) => [key(i), { n: i, t: "x" }]));
      const sorted = await store.page(T, { sort: "n", pagesize: 2 });
      const queried = await store.page(T, { query: "x", pagesize: 2 });
      const plain = await store.page(T, { pagesize: 2 });
      const cases: PageParams[] = [
        { cursor: sorted.next, sort: "n:desc" },
        { cursor: sorted.next, sort: "t" },
        { cursor: sorted.next, query: "x" },
        { cursor: queried.next, query: "y" },
        { cursor: queried.next, sort: "n" },
        { cursor: plain.next, sort: "n" },
        { cursor: plain.next, query: "x" },
      ];
      for (const params of cases) {
        try {
          await expectError(store.page(T, { pagesize: 2, ...params }), InvalidInputError, "INVALID_ARGUMENT");
        } catch (error) {
          throw new Error(`${JSON.stringify(params)}: ${(error as Error).message}`);
        }
      }
    });

    h.test("a garbage cursor is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      await saveAll(store, T, [1, 2, 3].map((i) => [key(i), i]));
      for (const cursor of ["garbage", "eyJ4IjoxfQ", "%%%", "{}", "null", "\u{1F600}", 5, {}]) {
        try {
          await expectError(store.page(T, { cursor: cursor as never }), InvalidInputError, "INVALID_ARGUMENT");
        } catch (error) {
          throw new Error(`cursor ${JSON.stringify(cursor)}: ${(error as Error).message}`);
        }
      }
    });
  });
}
