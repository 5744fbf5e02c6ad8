/** DESIGN §2.3: query terms. @module */
import { describe } from "bun:test";
import type { ObjectStore } from "../../mod.ts";
import { collect, expect, type Harness, keysOf, saveAll } from "./harness.ts";

const T = "Item";

const ROWS: [string, unknown][] = [
  ["apple-1", { name: "Red Apple", price: 3, tags: ["fruit"] }],
  ["apple-2", { name: "green apple", price: 2, tags: ["fruit", "sour"] }],
  ["car-1", { name: "red car", price: 30000, tags: [] }],
  ["note", "ÄRGER im Büro"],
  ["notiz", { text: "ärger", city: "Москва" }],
  ["user-42", { name: "Zed" }],
  ["flag", { ok: true, none: null }],
];

async function q(store: ObjectStore, query: string): Promise<string[]> {
  return keysOf((await store.page(T, { query })).result);
}

export function queryCases(h: Harness): void {
  describe("query", () => {
    const open = async () => {
      const store = await h.open();
      await saveAll(store, T, ROWS);
      return store;
    };

    h.test("a single term matches inside values, case-insensitively", async () => {
      const store = await open();
      expect(await q(store, "apple")).toEqual(["apple-1", "apple-2"]);
      expect(await q(store, "APPLE")).toEqual(["apple-1", "apple-2"]);
      expect(await q(store, "rEd")).toEqual(["apple-1", "car-1"]);
      expect(await q(store, "sour")).toEqual(["apple-2"]);
    });

    h.test("terms are AND-ed, separated by any whitespace", async () => {
      const store = await open();
      expect(await q(store, "red apple")).toEqual(["apple-1"]);
      expect(await q(store, "  apple \t  fruit\n")).toEqual(["apple-1", "apple-2"]);
      expect(await q(store, "red apple sour")).toEqual([]);
      expect(await q(store, "car red")).toEqual(["car-1"]);
    });

    h.test("terms match the key too", async () => {
      const store = await open();
      expect(await q(store, "42")).toEqual(["user-42"]);
      expect(await q(store, "USER-4")).toEqual(["user-42"]);
      expect(await q(store, "car-1 30000")).toEqual(["car-1"]);
      expect(await q(store, "user zed")).toEqual(["user-42"]);
    });

    h.test("terms match JSON.stringify(value): field names, quotes, literals", async () => {
      const store = await open();
      expect(await q(store, "price")).toEqual(["apple-1", "apple-2", "car-1"]);
      expect(await q(store, '"name":"red')).toEqual(["apple-1", "car-1"]);
      expect(await q(store, "true")).toEqual(["flag"]);
      expect(await q(store, "null")).toEqual(["flag"]);
      expect(await q(store, "[]")).toEqual(["car-1"]);
      expect(await q(store, '"price":3,')).toEqual(["apple-1"]);
    });

    h.test("Unicode letters are compared after toLowerCase", async () => {
      const store = await open();
      expect(await q(store, "ärger")).toEqual(["note", "notiz"]);
      expect(await q(store, "ÄRGER")).toEqual(["note", "notiz"]);
      expect(await q(store, "büro")).toEqual(["note"]);
      expect(await q(store, "МОСКВА")).toEqual(["notiz"]);
      expect(await q(store, "москва")).toEqual(["notiz"]);
      expect(await q(store, "arger")).toEqual([]);
    });

    h.test("an empty or blank query matches everything", async () => {
      const store = await open();
      const all = ROWS.map(([k]) => k).sort();
      for (const query of ["", " ", "\t \n"]) {
        const page = await store.page(T, { query });
        expect(keysOf(page.result)).toEqual(all);
        expect(page.pagination.total).toBe(ROWS.length);
      }
    });

    h.test("total counts the matches; query, sort and paging combine", async () => {
      const store = await open();
      const page = await store.page(T, { query: "fruit", sort: "price:desc", pagesize: 1 });
      expect(page.pagination).toEqual({ offset: 0, pagesize: 1, total: 2 });
      expect(keysOf(page.result)).toEqual(["apple-1"]);
      const second = await store.page(T, { query: "fruit", sort: "price:desc", pagesize: 1, offset: 1 });
      expect(keysOf(second.result)).toEqual(["apple-2"]);
      const byPrice = await store.page(T, { query: "name", sort: "price", offset: 1, pagesize: 2 });
      expect(byPrice.pagination).toEqual({ offset: 1, pagesize: 2, total: 4 });
      expect(keysOf(byPrice.result)).toEqual(["apple-2", "apple-1"]);
    });

    h.test("a query sees only its own type", async () => {
      const store = await open();
      await store.save("Other", "apple-9", { name: "apple" });
      expect(await q(store, "apple")).toEqual(["apple-1", "apple-2"]);
    });

    h.test("scan takes the same query", async () => {
      const store = await open();
      expect(keysOf(await collect(store.scan(T, { query: "RED" })))).toEqual(["apple-1", "car-1"]);
      expect(keysOf(await collect(store.scan(T, { query: " " })))).toEqual(ROWS.map(([k]) => k).sort());
    });
  });
}
