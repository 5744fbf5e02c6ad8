/** Object types: isolation, types(), truncate. @module */
import { describe } from "bun:test";
import { collect, expect, type Harness, keysOf } from "./harness.ts";

export function typeCases(h: Harness): void {
  describe("types", () => {
    h.test("an empty store has no types", async () => {
      const store = await h.open();
      expect(await store.types()).toEqual([]);
    });

    h.test("types isolate keys: the same key in two types is two objects", async () => {
      const store = await h.open();
      await store.save("A", "k", "in A");
      await store.save("B", "k", "in B");
      await store.save("B", "k", "in B again", "1");
      expect(await store.get("A", "k")).toMatchObject({ type: "A", key: "k", value: "in A", version: "1" });
      expect(await store.get("B", "k")).toMatchObject({ type: "B", key: "k", value: "in B again", version: "2" });
      await store.remove("A", "k");
      expect(await store.get("A", "k")).toBeUndefined();
      expect((await store.get("B", "k"))?.value).toBe("in B again");
      expect(keysOf((await store.page("B")).result)).toEqual(["k"]);
      expect((await store.page("A")).pagination.total).toBe(0);
      expect(await collect(store.scan("A"))).toEqual([]);
    });

    h.test("type names are case-sensitive and a prefix is another type", async () => {
      const store = await h.open();
      await store.save("user", "k", 1);
      await store.save("User", "k", 2);
      await store.save("users", "k", 3);
      expect((await store.get("user", "k"))?.value).toBe(1);
      expect((await store.get("User", "k"))?.value).toBe(2);
      expect((await store.page("user")).pagination.total).toBe(1);
      await store.truncate("user");
      expect((await store.get("User", "k"))?.value).toBe(2);
      expect((await store.get("users", "k"))?.value).toBe(3);
    });

    h.test("types() lists exactly the types that hold at least one object", async () => {
      const store = await h.open();
      await store.save("A", "1", 1);
      await store.save("B", "1", 1);
      await store.save("B", "2", 1);
      await store.save("Ünïcødé 😀", "1", 1);
      expect((await store.types()).sort()).toEqual(["A", "B", "Ünïcødé 😀"].sort());
      await store.remove("A", "1");
      expect((await store.types()).sort()).toEqual(["B", "Ünïcødé 😀"].sort());
      await store.remove("B", "1");
      expect((await store.types()).sort()).toEqual(["B", "Ünïcødé 😀"].sort());
      await store.truncate("Ünïcødé 😀");
      expect(await store.types()).toEqual(["B"]);
      await store.get("Never", "x");
      await store.page("Never");
      await store.remove("Never", "x", { ignoreMissing: true });
      expect(await store.types()).toEqual(["B"]);
    });

    h.test("a failed write does not make a type appear", async () => {
      const store = await h.open();
      await store.save("X", "a", 1, "1").catch(() => {});
      await store.transaction(async (tx) => {
        await tx.save("Y", "a", 1);
        throw new Error("no");
      }).catch(() => {});
      expect(await store.types()).toEqual([]);
    });

    h.test("truncate empties one type only", async () => {
      const store = await h.open();
      for (const key of ["a", "b", "c"]) await store.save("A", key, key);
      await store.save("B", "a", "b");
      await store.truncate("A");
      expect(await store.get("A", "a")).toBeUndefined();
      expect(await store.page("A")).toEqual({ pagination: { offset: 0, pagesize: 100, total: 0 }, result: [] });
      expect(await store.types()).toEqual(["B"]);
      expect((await store.get("B", "a"))?.value).toBe("b");
    });

    h.test("truncate twice, of an unknown type, then reuse: versions start at 1", async () => {
      const store = await h.open();
      await store.truncate("Nothing");
      await store.save("A", "a", 1);
      await store.save("A", "a", 2, "1");
      await store.truncate("A");
      await store.truncate("A");
      expect(await store.types()).toEqual([]);
      expect((await store.save("A", "a", 3)).version).toBe("1");
      expect((await store.save("A", "b", 4)).version).toBe("1");
      expect(keysOf((await store.page("A")).result)).toEqual(["a", "b"]);
      expect(await store.types()).toEqual(["A"]);
    });

    h.test("many types at once", async () => {
      const store = await h.open();
      const names = Array.from({ length: 30 }, (_, i) => `T${i}`);
      for (const name of names) await store.save(name, "k", name);
      expect((await store.types()).sort()).toEqual([...names].sort());
      for (const name of names) expect((await store.get(name, "k"))?.value).toBe(name);
    });
  });
}
