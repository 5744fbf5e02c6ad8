/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"Caching"}` stores (a
 * read-through cache in front of `Main`; see docs/caching-and-migrating.md). The stores inside
 * need their own drivers imported (Memory is built in).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/caching";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: { cache: false } });
 * ```
 *
 * @module
 */
import { cachingDriver } from "../../composites/caching.ts";
import { parseStoreConfig } from "../../config.ts";
import type { CachingConfig } from "../../config-types.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["Caching"],
  create(config, { options, driverFor }) {
    const caching = config as CachingConfig;
    return cachingDriver({
      main: driverFor(caching.Main),
      cache: driverFor(caching.Caching ?? { Type: "Memory" }),
      defaultPolicy: caching.DefaultPolicy,
      overrides: caching.TablePolicyOverride ?? caching.ObjectTypeOverride,
      monotonicNow: options.monotonicNow,
    });
  },
});
