/**
 * Importing this module makes `store.forTenant(name)` work on stores made by
 * `createObjectStoreInstance` of `@objstore/objstore` (the runtime entry points `/node`, `/bun`,
 * `/deno` and `/worker` import it for you). Without it `forTenant` throws `UNSUPPORTED`, and a
 * bundle that never calls it carries none of its code.
 *
 * @example
 * ```ts
 * import "@objstore/objstore/tenants";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const acme = createObjectStoreInstance().forTenant("acme");
 * await acme.save("Person", "ann", { name: "Ann" });
 * ```
 *
 * @module
 */
import { registerStoreFeature } from "../store-features.ts";
import { checkTenantName, tenantDriver } from "../tenants.ts";

registerStoreFeature("tenants", { check: checkTenantName, driver: tenantDriver });
