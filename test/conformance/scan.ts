/** scan(): streams every object of a type in key order. @module */
import { describe } from "bun:test";
import { collect, compareCodePoints, expect, type Harness, keysOf, shuffled } from "./harness.ts";

const T = "Scanned";
const key = (i: number) => `s${String(i).padStart(4, "0")}`;

export function scanCases(h: Harness): void {
  describe("scan", () => {
    h.test("scan of an empty or unknown type yields nothing", async () => {
      const store = await h.open();
      expect(await collect(store.scan(T))).toEqual([]);
      await store.save("Other", "a", 1);
      expect(await collect(store.scan(T))).toEqual([]);
    });

    h.test("scan yields complete objects of its type only, in key order", async () => {
      const store = await h.open();
      const stamp = h.clock.iso();
      const keys = ["b", "a", "\u{1F600}", "\uFF5E", "B", "a/b", "a b"];
      for (const k of keys) await store.save(T, k, { k });
      await store.save("Other", "a", "other");
      await store.save(T, "b", { k: "b2" }, "1");
      const all = await collect(store.scan(T));
      expect(keysOf(all)).toEqual([...keys].sort(compareCodePoints));
      expect(all.find((o) => o.key === "b")).toEqual({
        type: T, key: "b", value: { k: "b2" }, version: "2", created: stamp, updated: stamp,
      });
    });

    h.test("scan goes past the page size limit (250 objects)", async () => {
      const store = await h.open({ maxPagesize: 10 });
      const keys = Array.from({ length: 250 }, (_, i) => key(i));
      const order = shuffled(keys, 21);
      for (let i = 0; i < order.length; i += 25) {
        await store.transaction(async (tx) => {
          for (const k of order.slice(i, i + 25)) await tx.save(T, k, { i: k });
        });
      }
      const all = await collect(store.scan(T));
      expect(keysOf(all)).toEqual(keys);
      expect(all[249]?.value).toEqual({ i: key(249) });
    }, h.settings.slowTimeout ?? 60_000);

    h.test("scan with a query yields the matches in key order", async () => {
      const store = await h.open();
      for (let i = 0; i < 30; i++) await store.save(T, key(i), { even: i % 2 === 0, word: i % 3 ? "Fizz" : "Bäm" });
      const found = keysOf(await collect(store.scan(T, { query: "BÄM TRUE" })));
      expect(found).toEqual([0, 6, 12, 18, 24].map(key));
      expect(await collect(store.scan(T, { query: "nothing-matches" }))).toEqual([]);
    });

    h.test("breaking out of a scan early leaves the store usable", async () => {
      const store = await h.open();
      for (let i = 0; i < 20; i++) await store.save(T, key(i), i);
      const firstThree: string[] = [];
      for await (const object of store.scan(T)) {
        firstThree.push(object.key);
        if (firstThree.length === 3) break;
      }
      expect(firstThree).toEqual([0, 1, 2].map(key));
      await store.save(T, "after", 1);
      expect((await store.page(T)).pagination.total).toBe(21);
    });
  });
}
