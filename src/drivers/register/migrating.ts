/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"Migrating"}` stores
 * (live migration from `From` to `To`; see docs/caching-and-migrating.md). The stores inside
 * need their own drivers imported (Memory is built in).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/migrating";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "Migrating", From: { Type: "Memory" }, To: { Type: "Memory" } });
 * ```
 *
 * @module
 */
import { migratingDriver } from "../../composites/migrating.ts";
import { parseStoreConfig } from "../../config.ts";
import type { MigratingConfig } from "../../config-types.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["Migrating"],
  create(config, { options, driverFor }) {
    const { From, To } = config as MigratingConfig;
    return migratingDriver(driverFor(From), driverFor(To), { onMirrorError: options.onMirrorError });
  },
});
