/** DESIGN §2.3: sort syntax and the typed order. @module */
import { describe } from "bun:test";
import { InvalidInputError } from "../../mod.ts";
import { expect, expectError, type Harness, keysOf, saveAll, shuffled } from "./harness.ts";

const T = "Sorted";

// 9 rows: AA has ties (3 x 20) so key order shows; BB breaks some ties.
const NINE: [string, { AA: number; BB: string }][] = [
  ["r1", { AA: 50, BB: "x" }],
  ["r2", { AA: 20, BB: "c" }],
  ["r3", { AA: -5, BB: "y" }],
  ["r4", { AA: 20, BB: "a" }],
  ["r5", { AA: 7.5, BB: "z" }],
  ["r6", { AA: 100, BB: "b" }],
  ["r7", { AA: 20, BB: "b" }],
  ["r8", { AA: 0, BB: "a" }],
  ["r9", { AA: 7.25, BB: "a" }],
];
const AA_ASC = ["r3", "r8", "r9", "r5", "r2", "r4", "r7", "r1", "r6"];
const AA_DESC = ["r6", "r1", "r2", "r4", "r7", "r5", "r9", "r8", "r3"];

export function sortCases(h: Harness): void {
  describe("sort", () => {
    h.test("9 rows inserted out of order sorted by AA, AA:asc, AA:ASC", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled(NINE, 3));
      for (const sort of ["AA", "AA:asc", "AA:ASC", "AA:Asc"]) {
        expect({ sort, keys: keysOf((await store.page(T, { sort })).result) }).toEqual({ sort, keys: AA_ASC });
      }
    });

    h.test("9 rows sorted AA:desc: descending, ties still in ascending key order", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled(NINE, 5));
      for (const sort of ["AA:desc", "AA:DESC"]) {
        expect({ sort, keys: keysOf((await store.page(T, { sort })).result) }).toEqual({ sort, keys: AA_DESC });
      }
    });

    h.test("sorted pages with offsets are slices of the sorted order", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled(NINE, 11));
      for (const [sort, order] of [["AA", AA_ASC], ["AA:desc", AA_DESC]] as const) {
        for (const offset of [0, 2, 3, 4, 8, 9]) {
          const page = await store.page(T, { sort, offset, pagesize: 3 });
          const label = `${sort} offset ${offset}`;
          expect({ label, keys: keysOf(page.result) }).toEqual({ label, keys: order.slice(offset, offset + 3) });
          expect(page.pagination).toEqual({ offset, pagesize: 3, total: 9 });
        }
      }
    });

    h.test("multi-field sort: later fields break ties of earlier ones", async () => {
      const store = await h.open();
      await saveAll(store, T, shuffled(NINE, 13));
      const asc = keysOf((await store.page(T, { sort: "AA,BB" })).result);
      expect(asc).toEqual(["r3", "r8", "r9", "r5", "r4", "r7", "r2", "r1", "r6"]);
      const mixed = keysOf((await store.page(T, { sort: "AA:desc,BB:desc" })).result);
      expect(mixed).toEqual(["r6", "r1", "r2", "r7", "r4", "r5", "r9", "r8", "r3"]);
      const byBB = keysOf((await store.page(T, { sort: "BB,AA:desc" })).result);
      expect(byBB).toEqual(["r4", "r9", "r8", "r6", "r7", "r2", "r1", "r3", "r5"]);
      const paged = await store.page(T, { sort: "BB,AA:desc", offset: 2, pagesize: 4 });
      expect(keysOf(paged.result)).toEqual(["r8", "r6", "r7", "r2"]);
    });

    h.test("typed order: missing = null < false < true < numbers < strings < arrays/objects", async () => {
      const store = await h.open();
      // key order among equals: the keys are chosen so ties are visible.
      const rows: [string, unknown][] = [
        ["m1", { other: 1 }],
        ["m2", { v: null }],
        ["m3", "not an object"],
        ["m4", [1, 2]],
        ["m5", null],
        ["b1", { v: true }],
        ["b2", { v: false }],
        ["n1", { v: 10 }],
        ["n2", { v: -10 }],
        ["n3", { v: -1.5 }],
        ["n4", { v: 0 }],
        ["n5", { v: -0 }],
        ["n6", { v: 0.25 }],
        ["n7", { v: 2 }],
        ["n8", { v: 1e21 }],
        ["n9", { v: -2.5e-7 }],
        ["s1", { v: "b" }],
        ["s2", { v: "B" }],
        ["s3", { v: "" }],
        ["s4", { v: "\u{1F600}" }],
        ["s5", { v: "\uFF5E" }],
        ["s6", { v: "10" }],
        ["s7", { v: "9" }],
        ["s8", { v: "ab" }],
        ["o1", { v: {} }],
        ["o2", { v: [] }],
        ["o3", { v: [1] }],
        ["o4", { v: { a: 1 } }],
      ];
      await saveAll(store, T, shuffled(rows, 17));
      const expected = [
        "m1", "m2", "m3", "m4", "m5",
        "b2", "b1",
        "n2", "n3", "n9", "n4", "n5", "n6", "n7", "n1", "n8",
        "s3", "s6", "s7", "s2", "s8", "s1", "s5", "s4",
        "o3", "o2", "o4", "o1",
      ];
      expect(keysOf((await store.page(T, { sort: "v" })).result)).toEqual(expected);
      const desc = keysOf((await store.page(T, { sort: "v:desc" })).result);
      expect(desc).toEqual([
        "o1", "o4", "o2", "o3",
        "s4", "s5", "s1", "s8", "s2", "s7", "s6", "s3",
        "n8", "n1", "n7", "n6", "n4", "n5", "n9", "n3", "n2",
        "b1", "b2",
        "m1", "m2", "m3", "m4", "m5",
      ]);
    });

    h.test("sort fields are own top-level fields, names exact", async () => {
      const store = await h.open();
      await saveAll(store, T, [
        ["a", { constructor: 2, Name: "z" }],
        ["b", { constructor: 1, name: "a" }],
        ["c", { nested: { constructor: 0 }, name: "b" }],
        ["d", { toString: 3 }],
      ]);
      expect(keysOf((await store.page(T, { sort: "constructor" })).result)).toEqual(["c", "d", "b", "a"]);
      expect(keysOf((await store.page(T, { sort: "toString:desc" })).result)).toEqual(["d", "a", "b", "c"]);
      expect(keysOf((await store.page(T, { sort: "name:desc" })).result)).toEqual(["c", "b", "a", "d"]);
      expect(keysOf((await store.page(T, { sort: "Name" })).result)).toEqual(["b", "c", "d", "a"]);
    });

    h.test("field names may contain spaces and non-ASCII", async () => {
      const store = await h.open();
      await saveAll(store, T, [["a", { "full name": "b", "größe": 2 }], ["b", { "full name": "a", "größe": 1 }]]);
      expect(keysOf((await store.page(T, { sort: "full name" })).result)).toEqual(["b", "a"]);
      expect(keysOf((await store.page(T, { sort: "größe:desc" })).result)).toEqual(["a", "b"]);
    });

    h.test("bad sorts are INVALID_ARGUMENT", async () => {
      const store = await h.open();
      await saveAll(store, T, NINE.slice(0, 2));
      for (const sort of ["AA,", ",AA", "AA,,BB", "AA:up", "AA:ascending", "AA:", "AA:asc:x", "AA:desc:"]) {
        try {
          await expectError(store.page(T, { sort }), InvalidInputError, "INVALID_ARGUMENT");
        } catch (error) {
          throw new Error(`sort ${JSON.stringify(sort)}: ${(error as Error).message}`);
        }
      }
    });
  });
}
