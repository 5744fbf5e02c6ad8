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
import { type CachingDriver, cachingDriver } from "../../composites/caching.ts";
import { parseStoreConfig } from "../../config.ts";
import type { CachingConfig } from "../../config-types.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["Caching"],
  storeMethods: (driver) => ({ stats: (driver as CachingDriver).stats.bind(driver) }),
  create(config, { options, driverFor }) {
    const caching = config as CachingConfig;
    const cacheConfig = caching.Caching ?? { Type: "Memory" };
    return cachingDriver({
      main: driverFor(caching.Main),
      cache: driverFor(cacheConfig),
      defaultPolicy: caching.DefaultPolicy,
      overrides: caching.TablePolicyOverride ?? caching.ObjectTypeOverride,
      monotonicNow: options.monotonicNow,
      wallNow: options.now && (() => options.now!().getTime()),
      // A Memory cache is never shared; any other may be (tabs on one IndexedDB database, processes on one file).
      // The name is a hash of the cache's config, which may hold credentials.
      channel: cacheConfig.Type === "Memory" ? undefined : cacheChannelName(cacheConfig),
    });
  },
});

/**
 * The BroadcastChannel name of Caching stores over `cacheConfig` (a hash of it, which may hold
 * credentials).
 *
 * @example
 * ```ts
 * const name = cacheChannelName({ Type: "IndexedDB", dbName: "cache" });
 * ```
 */
export function cacheChannelName(cacheConfig: unknown): string {
  return `objstore-cache:${fnv1a(JSON.stringify(cacheConfig))}`;
}

/** FNV-1a, 32 bits, in hex: a name for the cache's channel (a collision only costs misses). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
