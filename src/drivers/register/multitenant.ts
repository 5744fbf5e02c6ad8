/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"MultiTenant"}` stores:
 * one store per tenant (`getStore(tenantName)`; see docs/tenants.md). The stores inside need
 * their own drivers imported (Memory is built in).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/multitenant";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "MultiTenant", stores: [{ tenantName: "acme", config: { Type: "Memory" } }] });
 * ```
 *
 * @module
 */
import { parseStoreConfig } from "../../config.ts";
import type { MultiTenantConfig } from "../../config-types.ts";
import { ObjectStoreError } from "../../errors.ts";
import { multiTenantStore } from "../../multi-tenant.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["MultiTenant"],
  createStore(config, create) {
    const { stores } = config as MultiTenantConfig;
    return multiTenantStore(new Map(stores.map((entry) => [entry.tenantName, create(entry.config)])));
  },
  create() {
    throw new ObjectStoreError("UNSUPPORTED", "A MultiTenant config must be the top-level config (not inside Caching, Migrating or another MultiTenant)");
  },
});
