// {"Type":"MultiTenant","stores":[{tenantName, config}]}: one store per tenant, the original's
// config checks with clear errors, getStore / forTenant, unknown tenants, close.
import { describe, expect, test } from "bun:test";
import "../src/drivers/register/multitenant.ts";
import "../src/drivers/register/migrating.ts";
import { ConfigError, createObjectStoreFromEnv, createObjectStoreInstance, InvalidInputError, type MultiTenantObjectStore, ObjectStoreError, parseStoreConfig } from "../mod.ts";

const issuesOf = (config: unknown) => {
  try {
    parseStoreConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("expected a ConfigError");
};

describe("MultiTenant config", () => {
  test("the original's config errors, each named by its path", () => {
    expect(issuesOf({ Type: "MultiTenant" })).toEqual([{ path: "stores", message: "is required" }]);
    expect(issuesOf({ Type: "MultiTenant", stores: [] })).toEqual([{ path: "stores", message: "must list at least one store" }]);
    expect(issuesOf({ Type: "MultiTenant", stores: [{ config: { Type: "Memory" } }] })).toEqual([{ path: "stores.0.tenantName", message: "is required" }]);
    expect(issuesOf({ Type: "MultiTenant", stores: [{ tenantName: "a" }] })).toEqual([{ path: "stores.0.config", message: "is required" }]);
    expect(issuesOf({ Type: "MultiTenant", stores: [{ tenantName: "a_b", config: { Type: "Memory" } }] })[0]!.path).toBe("stores.0.tenantName");
    expect(issuesOf({ Type: "MultiTenant", stores: [{ tenantName: "a", config: { Type: "Memory" } }, { tenantName: "a", config: { Type: "Memory" } }] }))
      .toEqual([{ path: "stores", message: "lists a tenantName twice" }]);
    expect(issuesOf({ Type: "MultiTenant", stores: [{ tenantName: "a", config: { Type: "Nope" } }] })[0]!.path).toBe("stores.0.config.Type");
  });

  test("getStore gives each tenant its own store; an unknown tenant is INVALID_ARGUMENT", async () => {
    const store = createObjectStoreInstance({
      Type: "MultiTenant",
      stores: [{ tenantName: "acme", config: { Type: "Memory" } }, { tenantName: "beta", config: { Type: "Memory" } }],
    }) as MultiTenantObjectStore;
    expect(store.kind).toBe("MultiTenant");
    expect(store.tenants()).toEqual(["acme", "beta"]);
    await store.getStore("acme").save("T", "k", "acme");
    expect(await store.getStore("beta").get("T", "k")).toBeUndefined();
    expect((await store.forTenant("acme").get("T", "k"))?.value).toBe("acme");
    expect(() => store.getStore("gamma")).toThrow(InvalidInputError);
    expect(() => store.getStore("a_b")).toThrow(InvalidInputError);
    await expect(store.get("T", "k")).rejects.toThrow(/getStore/);
    const acme = store.getStore("acme");
    await store.close();
    await expect(acme.get("T", "k")).rejects.toBeInstanceOf(ObjectStoreError);
  });

  test("from the environment, and not nested in another store", () => {
    const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: JSON.stringify({ Type: "MultiTenant", stores: [{ tenantName: "t", config: { Type: "Memory" } }] }) });
    expect(store.kind).toBe("MultiTenant");
    expect(() => createObjectStoreInstance({ Type: "Migrating", From: { Type: "MultiTenant", stores: [{ tenantName: "t", config: { Type: "Memory" } }] }, To: { Type: "Memory" } } as never))
      .toThrow(/top-level/);
  });
});
