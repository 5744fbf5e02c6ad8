// Issue 19 items 1 and 2: tenants and DoubleStringIndex over the HTTP API. An unbound token may
// name the stored types (acme_Person, _dsi_users) on the record-level routes and object reads,
// which the Remote driver's forTenant and doubleStringIndex send; a token bound to a tenant
// (API_TOKENS "token:scope@tenant") sees only its tenant, under plain type names, and is 403 for
// any name under a tenant prefix.
import { beforeEach, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import "../src/register/double-string-index.ts";
import "../src/register/tenants.ts";
import { BackendError, createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { parseTokens } from "../src/http/auth.ts";
import { migrate } from "../src/migrate/mod.ts";
import { parseStoredType } from "../src/tenants.ts";
import { expectError } from "./conformance/mod.ts";
import { appCaller } from "./support/app-call.ts";

const TOKENS = "root:write,ro:read,acme:write@acme,acmeRead:read@acme,beta:write@beta,acmeRep:replicate@acme";

let store: ObjectStore;
let app: ReturnType<typeof createApp>;
beforeEach(() => {
  store = createObjectStoreInstance();
  app = createApp(store, { tokens: TOKENS });
});

const call = appCaller(() => app);

/** A Remote store served by `app` in-process, with `token`. */
function remote(token: string): ObjectStore {
  return createObjectStoreInstance({ Type: "Remote", url: "http://api.test", token }, { fetch: (input, init) => app.fetch(new Request(input, init)) });
}

const put = (type: string, key: string, value: unknown) => ({ op: "put", type, key, expect: { absent: true }, record: { value, version: "1" } });
const query = (type: string) => ({ type, terms: [], sort: [], offset: 0, limit: 100, count: true });

describe("API_TOKENS with tenants", () => {
  test("token[:scope][@tenant]: the tenant is percent-decoded; a bad tenant or a token bound twice is refused without quoting the token", () => {
    expect(parseTokens("a:read@acme, b@beta ,c:replicate@a%2Cb%40c,d")).toEqual([
      { token: "a", scope: "read", tenant: "acme" },
      { token: "b", scope: "write", tenant: "beta" },
      { token: "c", scope: "replicate", tenant: "a,b@c" },
      { token: "d", scope: "write" },
    ]);
    expect(() => parseTokens("s3cret@%zz")).toThrow(/entry 1: bad percent-encoding in the tenant name/);
    for (const tokens of ["s3cret:write@a_b", "s3cret:write@", "s3cret@acme,s3cret:read@beta", "s3cret@acme,s3cret", "ok:read,s3cret@x%01"]) {
      expect(() => createApp(store, { tokens })).toThrow(/Invalid token \d: /);
      expect(() => createApp(store, { tokens })).not.toThrow(/s3cret/);
    }
    // The same token twice with the same tenant is fine (as it was without tenants).
    expect(() => createApp(store, { tokens: "s3cret@acme,s3cret:read@acme" })).not.toThrow();
    expect(() => createApp(store, { tokens: [{ token: "s3cret", scope: "write", tenant: "a_b" }] })).toThrow(/Invalid tenant name/);
  });

  test("a token bound to a tenant the store cannot give (MultiTenant without it) fails when the app is made", () => {
    const multi = createObjectStoreInstance({ Type: "MultiTenant", stores: [{ tenantName: "acme", config: { Type: "Memory" } }] });
    expect(() => createApp(multi, { tokens: "t@beta" })).toThrow(/Unknown tenant "beta"/);
  });
});

describe("a token bound to a tenant", () => {
  test("sees only its tenant: objects, pages, types, queries and changes, under plain names", async () => {
    await store.save("Person", "root", { who: "root" });
    await store.forTenant("beta").save("Person", "ann", { who: "beta" });
    expect((await call("acme", "PUT", "/api/objects/Person/ann", { who: "acme" })).status).toBe(201);
    expect((await call("acme", "PUT", "/api/object?type=Pet&key=..", 1)).status).toBe(201);
    // Stored as acme's: the store and beta do not see it.
    expect((await store.forTenant("acme").get("Person", "ann"))?.value).toEqual({ who: "acme" });
    expect((await store.forTenant("beta").get("Person", "ann"))?.value).toEqual({ who: "beta" });
    expect(await store.types()).toEqual(["Person"]);

    const got = await call("acmeRead", "GET", "/api/objects/Person/ann");
    expect([got.status, got.json.type, got.json.value]).toEqual([200, "Person", { who: "acme" }]);
    expect((await call("acme", "GET", "/api/objects/Person/root")).status).toBe(404);
    expect((await call("beta", "GET", "/api/objects/Pet/..")).status).toBe(404);
    expect((await call("acme", "GET", "/api/object?type=Pet&key=..")).json.value).toBe(1);
    const page = await call("acme", "GET", "/api/objects/Person");
    expect([page.json.pagination.total, page.json.result.map((o: { key: string }) => o.key)]).toEqual([1, ["ann"]]);
    expect((await call("acme", "GET", "/api/types")).json).toEqual(["Person", "Pet"]);
    expect((await call("beta", "GET", "/api/types")).json).toEqual(["Person"]);
    expect((await call("root", "GET", "/api/types")).json).toEqual(["Person"]);
    const records = await call("acme", "POST", "/api/query", query("Person"));
    expect([records.json.total, records.json.items.map((r: { value: unknown }) => r.value)]).toEqual([1, [{ who: "acme" }]]);
    const changes = await call("beta", "POST", "/api/changes", { type: "Person" });
    expect(changes.json.changed.map((r: { value: unknown }) => r.value)).toEqual([{ who: "beta" }]);
    // Removal and truncate stay in the tenant.
    expect((await call("beta", "DELETE", "/api/objects/Person/ann")).status).toBe(204);
    expect((await store.forTenant("acme").get("Person", "ann"))?.value).toEqual({ who: "acme" });
    expect((await call("acme", "POST", "/api/transactions", { writes: [{ op: "truncate", type: "Person" }] })).status).toBe(200);
    expect((await store.get("Person", "root"))?.value).toEqual({ who: "root" });
    expect(await store.forTenant("acme").types()).toEqual(["Pet"]);
  });

  test("a name under a tenant prefix is 403 FORBIDDEN naming why, on every route, and nothing is written", async () => {
    await store.forTenant("beta").save("Person", "ann", { who: "beta" });
    const refused = [
      await call("acme", "GET", "/api/objects/beta_Person/ann"),
      await call("acme", "GET", "/api/object?type=beta_Person&key=ann"),
      await call("acme", "PUT", "/api/objects/beta_Person/ann", 1),
      await call("acme", "DELETE", "/api/objects/beta_Person/ann"),
      await call("acme", "GET", "/api/objects/acme_Person/ann"), // its own name with the prefix is not how it names types
      await call("acme", "GET", "/api/objects/beta__dsi_users/aann"),
      await call("acme", "POST", "/api/query", query("beta_Person")),
      await call("acme", "POST", "/api/changes", { type: "beta_Person" }),
      await call("acme", "POST", "/api/transactions", { writes: [put("T", "k", 1), put("beta_Person", "bob", 1)] }),
      await call("acme", "POST", "/api/transactions", { writes: [{ op: "truncate", type: "beta_Person" }] }),
      await call("acme", "POST", "/api/transactions", { writes: [{ op: "replace", type: "beta_Person", key: "ann", version: "1", record: { value: 2, version: "2" } }] }),
      await call("acme", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "k", value: 1 }, { op: "remove", type: "beta_Person", key: "ann" }] }),
      await call("acmeRep", "POST", "/api/transactions", { verbatim: true, writes: [{ ...put("beta_Person", "x", 1), record: { value: 1, version: "1", created: "2020-01-01T00:00:00.000Z", updated: "2020-01-01T00:00:00.000Z" } }] }),
    ];
    for (const r of refused) {
      expect([r.status, r.json.error.code]).toEqual([403, "FORBIDDEN"]);
      expect(r.json.error.message).toMatch(/^This token is bound to tenant "acme": .*cannot reach "(beta|acme)_/);
    }
    expect(await store.forTenant("beta").types()).toEqual(["Person"]);
    expect((await store.forTenant("beta").get("Person", "ann"))?.version).toBe("1");
    expect(await store.forTenant("acme").types()).toEqual([]);
    // Invalid names stay 400, and a read-only tenant token still cannot write.
    expect((await call("acme", "GET", "/api/objects/a__b/k")).json.error.code).toBe("INVALID_OBJECT_TYPE");
    expect((await call("acmeRead", "PUT", "/api/objects/T/k", 1)).status).toBe(403);
  });

  test("transactions are the tenant's, all or nothing; its indexes (_dsi_<namespace>) are its own", async () => {
    const ok = await call("acme", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "a", value: 1 }, { op: "save", type: "T", key: "b", value: 2 }] });
    expect(ok.status).toBe(200);
    const failed = await call("acme", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "c", value: 3 }, { op: "save", type: "T", key: "a", value: 9 }] });
    expect([failed.status, failed.json.error.code, failed.json.error.index]).toEqual([409, "OBJECT_EXISTS", 1]);
    // beta's T is another type: the same keys are free there.
    expect((await call("beta", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "a", value: "b" }] })).status).toBe(200);
    expect((await collectKeys(store.forTenant("acme"), "T"))).toEqual(["a", "b"]);
    expect((await store.forTenant("beta").get("T", "a"))?.value).toBe("b");
    // Record-level ops on the tenant's index namespace go to acme__dsi_users.
    expect((await call("acme", "POST", "/api/transactions", { writes: [put("_dsi_users", "aann", "u1"), put("_dsi_users", "bu1", "ann")] })).status).toBe(200);
    expect(await store.forTenant("acme").doubleStringIndex("users").getByA("ann")).toBe("u1");
    expect(await store.doubleStringIndex("users").getByA("ann")).toBeUndefined();
    expect((await call("acme", "GET", "/api/objects/_dsi_users/aann")).json).toMatchObject({ type: "_dsi_users", key: "aann", value: "u1" });
    expect((await call("acme", "GET", "/api/types")).json).toEqual(["T"]);
    expect((await call("acme", "GET", "/api/types?all=1")).json.sort()).toEqual(["T", "_dsi_users"]);
  });

  test("a Remote store with a tenant token is that tenant's store: data, types, indexes and transactions", async () => {
    const acme = remote("acme");
    await acme.save("Person", "ann", { n: 1 });
    await acme.transaction(async (tx) => {
      await tx.save("Person", "bob", { n: 2 });
      await tx.doubleStringIndex("emails").save("ann@example.com", "ann");
    });
    expect(await acme.types()).toEqual(["Person"]);
    expect(await acme.doubleStringIndex("emails").getByB("ann")).toBe("ann@example.com");
    const local = store.forTenant("acme");
    expect(await collectKeys(local, "Person")).toEqual(["ann", "bob"]);
    expect(await local.doubleStringIndex("emails").getByA("ann@example.com")).toBe("ann");
    expect(await store.types()).toEqual([]);
    expect(await remote("beta").types()).toEqual([]);
    expect(await remote("beta").get("Person", "ann")).toBeUndefined();
    // The unbound Remote store reaches the same data through forTenant.
    expect((await remote("root").forTenant("acme").get("Person", "bob"))?.value).toEqual({ n: 2 });
    expect(await remote("root").forTenant("acme").doubleStringIndex("emails").getByA("ann@example.com")).toBe("ann");
    // Its own tenants would be names under a prefix: refused by the server.
    await expectError(acme.forTenant("sub").get("Person", "ann"), BackendError, "BACKEND_ERROR");
  });

  test("on a MultiTenant store a tenant token sees that tenant's store", async () => {
    const multi = createObjectStoreInstance({ Type: "MultiTenant", stores: [{ tenantName: "acme", config: { Type: "Memory" } }, { tenantName: "beta", config: { Type: "Memory" } }] });
    app = createApp(multi, { tokens: "acme@acme,beta@beta" });
    expect((await call("acme", "PUT", "/api/objects/T/k", 1)).status).toBe(201);
    expect((await call("beta", "GET", "/api/objects/T/k")).status).toBe(404);
    expect((await call("acme", "POST", "/api/query", query("T"))).json.total).toBe(1);
    expect(await (multi as unknown as { getStore(name: string): ObjectStore }).getStore("acme").types()).toEqual(["T"]);
  });
});

describe("an unbound token and stored names", () => {
  test("record-level routes and object reads take stored names; writes on object routes by stored name are 400", async () => {
    const w = await call("root", "POST", "/api/transactions", { writes: [put("acme_Person", "ann", 1), put("_dsi_users", "ax", "y"), put("acme__dsi_users", "ax", "z")] });
    expect(w.status).toBe(200);
    expect((await store.forTenant("acme").get("Person", "ann"))?.value).toBe(1);
    expect(await store.doubleStringIndex("users").getByA("x")).toBe("y");
    expect(await store.forTenant("acme").doubleStringIndex("users").getByA("x")).toBe("z");
    expect((await call("ro", "GET", "/api/objects/acme_Person/ann")).json).toMatchObject({ type: "acme_Person", key: "ann", value: 1, version: "1" });
    expect((await call("ro", "GET", "/api/object?type=acme__dsi_users&key=ax")).json.value).toBe("z");
    expect((await call("ro", "GET", "/api/objects/acme_Person/nobody")).json.error.code).toBe("OBJECT_MISSING");
    expect((await call("ro", "POST", "/api/query", query("acme_Person"))).json.total).toBe(1);
    expect((await call("ro", "POST", "/api/changes", { type: "_dsi_users" })).json.changed.map((r: { key: string }) => r.key)).toEqual(["ax"]);
    for (const [method, path] of [["PUT", "/api/objects/acme_Person/bob"], ["DELETE", "/api/objects/acme_Person/ann"], ["PUT", "/api/object?type=_dsi_users&key=k"]]) {
      const r = await call("root", method!, path!, 1);
      expect([method, r.status, r.json.error.code]).toEqual([method, 400, "INVALID_OBJECT_TYPE"]);
    }
    expect((await store.forTenant("acme").get("Person", "ann"))?.value).toBe(1);
    // Ordinary listings never show tenants' types or indexes; all=1 lists every stored name.
    expect((await call("root", "GET", "/api/types")).json).toEqual([]);
    expect((await call("root", "GET", "/api/types?all=1")).json.sort()).toEqual(["_dsi_users", "acme_Person", "acme__dsi_users"]);
    expect((await call("root", "GET", "/api/types?all=true")).json).toHaveLength(3);
    expect((await call("root", "GET", "/api/types?all=0")).json).toEqual([]);
    for (const bad of ["all=yes", "all=1&all=1"]) expect((await call("root", "GET", `/api/types?${bad}`)).json.error.code).toBe("INVALID_ARGUMENT");
  });

  test("the migration job copies a Remote store's tenants and indexes, both ways", async () => {
    await store.save("T", "own", 0);
    await store.forTenant("acme").save("T", "a", 1);
    await store.doubleStringIndex("users").save("x", "y");
    const copy = createObjectStoreInstance();
    await migrate({ from: remote("root"), to: copy });
    expect((await copy.forTenant("acme").get("T", "a"))?.value).toBe(1);
    expect(await copy.doubleStringIndex("users").getByB("y")).toBe("x");
    // And into a Remote store (its writes are verbatim with a replicate token).
    const served = createObjectStoreInstance();
    app = createApp(served, { tokens: "rep:replicate" });
    const to = createObjectStoreInstance({ Type: "Remote", url: "http://api.test", token: "rep", replication: true }, { fetch: (input, init) => app.fetch(new Request(input, init)) });
    await migrate({ from: copy, to });
    expect((await served.forTenant("acme").get("T", "a"))?.value).toBe(1);
    expect(await served.doubleStringIndex("users").getByA("x")).toBe("y");
    expect(await served.types()).toEqual(["T"]);
  });

  test("every part of a stored name follows the type rules, with INVALID_OBJECT_TYPE", async () => {
    for (const bad of ["a__b", "_dsi_", "__dsi_x", "a_", "_x", "a__dsi_x_y", "a_b__c", `${"t".repeat(101)}_T`, "a\u0001_T", "a_\ud800"]) {
      expect(() => parseStoredType(bad)).toThrow(/Invalid object type/);
      const r = await call("root", "POST", "/api/query", query(bad));
      expect([bad, r.status, r.json.error.code]).toEqual([bad, 400, "INVALID_OBJECT_TYPE"]);
    }
    expect(parseStoredType("a_b_T")).toEqual({ tenants: ["a", "b"], type: "T" });
    expect(parseStoredType("dsi_T")).toEqual({ tenants: ["dsi"], type: "T" });
    expect(parseStoredType("a__dsi_users")).toEqual({ tenants: ["a"], index: "users" });
    expect(() => parseStoredType("x".repeat(101))).toThrow(/at most 100/);
  });
});

async function collectKeys(s: ObjectStore, type: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of s.scan(type)) keys.push(o.key);
  return keys;
}
