/**
 * DoubleStringIndex: the original's own DSI tests (save and read both ways, removal both ways,
 * separate namespaces, empty strings, non-string keys, invalid namespaces, truncate per
 * namespace), plus strict one-to-one, atomicity in transactions, hiding from listings and tenants.
 * @module
 */
import { describe } from "bun:test";
import { InvalidInputError, ObjectStoreError } from "../../mod.ts";
import { expect, expectError, type Harness } from "./harness.ts";

export function dsiCases(h: Harness): void {
  describe("DoubleStringIndex", () => {
    h.test("saves and reads both ways; removal by A and by B (the original's test)", async () => {
      const store = await h.open();
      const index = store.doubleStringIndex("test");
      const pairs = [["KeyA_1", "123abc"], ["KeyA_2", "222123abc"], ["KeyA_3", "alwaysremainB"]] as const;
      for (const [a, b] of pairs) {
        await index.save(a, b);
        expect([await index.getByA(a), await index.getByB(b)]).toEqual([b, a]);
      }
      for (const [a, b] of pairs) expect([await index.getByA(a), await index.getByB(b)]).toEqual([b, a]);
      await index.removeByA("KeyA_1");
      expect([await index.getByA("KeyA_1"), await index.getByB("123abc")]).toEqual([undefined, undefined]);
      expect(await index.getByA("KeyA_2")).toBe("222123abc");
      await index.removeByB("222123abc");
      expect([await index.getByA("KeyA_2"), await index.getByB("222123abc")]).toEqual([undefined, undefined]);
      expect([await index.getByA("KeyA_3"), await index.getByB("alwaysremainB")]).toEqual(["alwaysremainB", "KeyA_3"]);
      await index.removeByA("missing"); // no pair: nothing happens
      await index.removeByB("missing");
    });

    h.test("non-string keys are rejected and nothing is written", async () => {
      const store = await h.open();
      const index = store.doubleStringIndex("test");
      for (const [a, b] of [["keyA", 123], [123, "keyB"], ["keyA", {}], [{}, "keyB"], [null, "1"], ["b", null], [undefined, "1"]]) {
        await expectError(index.save(a as string, b as string), InvalidInputError, "INVALID_KEY");
      }
      expect(await index.getByA("keyA")).toBeUndefined();
      expect(await index.getByB("keyB")).toBeUndefined();
    });

    h.test("two namespaces are separate", async () => {
      const store = await h.open();
      await store.doubleStringIndex("test1").save("a", "1");
      await store.doubleStringIndex("test2").save("b", "2");
      expect(await store.doubleStringIndex("test1").getByA("b")).toBeUndefined();
      expect(await store.doubleStringIndex("test2").getByA("a")).toBeUndefined();
      expect(await store.doubleStringIndex("test1").getByA("a")).toBe("1");
    });

    h.test("the empty string is a valid key (the original's test)", async () => {
      const store = await h.open();
      const [t1, t2, t3] = ["type1", "type2", "type3"].map((ns) => store.doubleStringIndex(ns));
      await t1!.save("", "1");
      expect([await t1!.getByA(""), await t1!.getByA("1"), await t1!.getByB(""), await t1!.getByB("1")]).toEqual(["1", undefined, undefined, ""]);
      await t2!.save("", "");
      expect([await t2!.getByA(""), await t2!.getByB(""), await t2!.getByA("1"), await t2!.getByB("1")]).toEqual(["", "", undefined, undefined]);
      await t3!.save("1", "");
      expect([await t3!.getByA("1"), await t3!.getByB(""), await t3!.getByA(""), await t3!.getByB("1")]).toEqual(["", "1", undefined, undefined]);
    });

    h.test("an invalid namespace is an invalid object type", async () => {
      const store = await h.open();
      expect(() => store.doubleStringIndex("invalid_objname")).toThrow(InvalidInputError);
      await expectError(store.transaction(async (tx) => tx.doubleStringIndex("invalid_objname").save("", "1")), InvalidInputError, "INVALID_OBJECT_TYPE");
    });

    h.test("truncate empties only its own namespace, twice is fine, and it is usable again (the original's test)", async () => {
      const store = await h.open();
      const spaces = ["type1", "type2", "type3"];
      for (const ns of spaces) for (const [a, b] of [["1", "A"], ["2", "B"], ["3", "C"]]) await store.doubleStringIndex(ns).save(a!, b!);
      for (const [i, ns] of spaces.entries()) {
        await store.doubleStringIndex(ns).truncate();
        for (const [j, other] of spaces.entries()) {
          expect([await store.doubleStringIndex(other).getByA("2"), await store.doubleStringIndex(other).getByB("C")]).toEqual(j <= i ? [undefined, undefined] : ["B", "3"]);
        }
      }
      await store.doubleStringIndex("type1").truncate();
      await store.doubleStringIndex("type1").save("1", "A");
      expect(await store.doubleStringIndex("type1").getByB("A")).toBe("1");
    });

    h.test("strictly one-to-one: a new pair replaces both old pairs", async () => {
      const store = await h.open();
      const index = store.doubleStringIndex("Email");
      await index.save("A", "B1");
      await index.save("A", "B2");
      expect([await index.getByA("A"), await index.getByB("B1"), await index.getByB("B2")]).toEqual(["B2", undefined, "A"]);
      await index.save("A2", "B2");
      expect([await index.getByA("A"), await index.getByA("A2"), await index.getByB("B2")]).toEqual([undefined, "B2", "A2"]);
      await index.save("X", "Y");
      await index.save("X", "B2"); // X loses Y, A2 loses B2
      expect([await index.getByA("X"), await index.getByB("Y"), await index.getByA("A2"), await index.getByB("B2")]).toEqual(["B2", undefined, undefined, "X"]);
    });

    h.test("in a transaction: atomic with the other writes, reads see its own writes", async () => {
      const store = await h.open();
      await expectError(store.transaction(async (tx) => {
        await tx.doubleStringIndex("Email").save("ann@x", "ann");
        expect(await tx.doubleStringIndex("Email").getByB("ann")).toBe("ann@x");
        await tx.save("User", "ann", { email: "ann@x" });
        throw new ObjectStoreError("INVALID_ARGUMENT", "abort");
      }), ObjectStoreError, "INVALID_ARGUMENT");
      expect(await store.doubleStringIndex("Email").getByA("ann@x")).toBeUndefined();
      await store.transaction(async (tx) => {
        await tx.doubleStringIndex("Email").save("ann@x", "ann");
        await tx.save("User", "ann", { email: "ann@x" });
      });
      expect(await store.doubleStringIndex("Email").getByB("ann")).toBe("ann@x");
    });

    h.test("indexes never appear in types() or listings, and each tenant has its own", async () => {
      const store = await h.open();
      await store.doubleStringIndex("Email").save("a", "b");
      expect(await store.types()).toEqual([]);
      expect((await store.page("Email")).pagination.total).toBe(0);
      const tenant = store.forTenant("acme");
      expect(await tenant.doubleStringIndex("Email").getByA("a")).toBeUndefined();
      await tenant.doubleStringIndex("Email").save("a", "c");
      expect(await tenant.types()).toEqual([]);
      expect(await store.doubleStringIndex("Email").getByA("a")).toBe("b");
      expect(await tenant.doubleStringIndex("Email").getByA("a")).toBe("c");
    });
  });
}
