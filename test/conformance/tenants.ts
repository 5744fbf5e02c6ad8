/**
 * Tenants (`store.forTenant(name)`): two tenants and the store itself run the same seeded
 * operations on one backend and must never observe each other; plus the rules of names,
 * listings, truncate, cursors, transactions and close.
 * @module
 */
import { describe } from "bun:test";
import { InvalidInputError, type ObjectStore, ObjectStoreError } from "../../mod.ts";
import { runDifferential } from "./differential.ts";
import { collect, expect, expectError, type Harness } from "./harness.ts";

/** Every object of a store, by type, as scan gives them. */
async function snapshot(store: ObjectStore): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const type of await store.types()) out[type] = await collect(store.scan(type));
  return out;
}

export function tenantCases(h: Harness): void {
  describe("tenants", () => {
    h.test("two tenants and the store run the same random operations and never see each other", async () => {
      const store = await h.open({ maxPagesize: 7 });
      const ops = h.settings.differentialOperations ? Math.min(300, h.settings.differentialOperations) : 300;
      const acme = store.forTenant("acme");
      await runDifferential(acme, h.clock, 424242, ops);
      const acmeData = await snapshot(acme);
      // The same seed: every create of beta would fail and every listing differ if beta saw acme.
      const beta = store.forTenant("beta");
      await runDifferential(beta, h.clock, 424242, ops);
      await runDifferential(store, h.clock, 424242, ops);
      expect(await snapshot(acme)).toEqual(acmeData);
    }, h.settings.slowTimeout ?? 60_000);

    h.test("a tenant's types, pages, totals, scans, queries and cursors are its own", async () => {
      const store = await h.open();
      const [a, b] = [store.forTenant("a"), store.forTenant("b")];
      await store.save("Person", "root", { who: "root" });
      for (const key of ["k1", "k2", "k3"]) await a.save("Person", key, { who: "a" });
      await b.save("Person", "k1", { who: "b" });
      await b.save("Pet", "rex", { who: "b" });
      expect(await store.types()).toEqual(["Person"]);
      expect(await a.types()).toEqual(["Person"]);
      expect(await b.types()).toEqual(["Person", "Pet"]);
      expect((await a.page("Person")).pagination.total).toBe(3);
      expect((await a.page("Person", { query: "b" })).pagination.total).toBe(0);
      expect((await b.page("Person")).result.map((o) => o.value)).toEqual([{ who: "b" }]);
      const first = await a.page("Person", { pagesize: 2 });
      expect((await a.page("Person", { cursor: first.next })).result.map((o) => o.key)).toEqual(["k3"]);
      expect((await collect(a.scan("Person"))).map((o) => o.key)).toEqual(["k1", "k2", "k3"]);
      expect((await store.get("Person", "k1"))).toBeUndefined();
      expect((await a.get("Person", "root"))).toBeUndefined();
      await b.truncate("Person");
      expect((await a.page("Person")).pagination.total).toBe(3);
      expect((await store.get("Person", "root"))?.value).toEqual({ who: "root" });
      expect(await b.types()).toEqual(["Pet"]);
    });

    h.test("transactions of tenants are independent and all-or-nothing", async () => {
      const store = await h.open();
      const [a, b] = [store.forTenant("a"), store.forTenant("b")];
      await a.transaction(async (tx) => {
        await tx.save("T", "x", 1);
        expect(await tx.types()).toEqual(["T"]);
      });
      await expectError(b.transaction(async (tx) => {
        await tx.save("T", "x", 2);
        await tx.save("T", "x", 3, "1"); // staged: fine
        throw new ObjectStoreError("INVALID_ARGUMENT", "abort");
      }), ObjectStoreError, "INVALID_ARGUMENT");
      expect(await b.get("T", "x")).toBeUndefined();
      expect((await a.get("T", "x"))?.value).toBe(1);
      await b.save("T", "x", 9); // no OBJECT_EXISTS: a's x is not b's
      expect((await a.get("T", "x"))?.value).toBe(1);
    });

    h.test("tenant names follow the object-type rules, with a typed error", async () => {
      const store = await h.open();
      for (const bad of ["", "a_b", "x".repeat(101), "a\u0001", "\ud800", 7, undefined]) {
        expect(() => store.forTenant(bad as string)).toThrow(InvalidInputError);
      }
      for (const good of ["😀", "Ünï", "a b", "a/b", "x".repeat(100)]) {
        const tenant = store.forTenant(good);
        await tenant.save("T", "k", good);
        expect((await tenant.get("T", "k"))?.value).toBe(good);
        expect(await tenant.types()).toEqual(["T"]);
      }
      expect(await store.types()).toEqual([]);
    });

    h.test("closing a tenant leaves the store open; closing the store closes its tenants", async () => {
      const store = await h.open();
      const tenant = store.forTenant("a");
      await tenant.save("T", "k", 1);
      await tenant.close();
      await expectError(tenant.get("T", "k"), ObjectStoreError, "CLOSED");
      const again = store.forTenant("a");
      expect((await again.get("T", "k"))?.value).toBe(1);
      await store.close();
      await expectError(again.get("T", "k"), ObjectStoreError, "CLOSED");
    });
  });
}
