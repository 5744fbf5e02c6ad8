/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"IndexedDB"}` stores
 * (the browser's IndexedDB through idb-keyval, or `options.indexedDB`; loads on first use).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/indexeddb";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "IndexedDB", dbName: "notes" });
 * ```
 *
 * @module
 */
import type { IndexedDBConfig } from "../../config-types.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";
import { parseStoreConfig } from "../../config.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["IndexedDB"],
  create(config, { options }) {
    const { dbName } = config as IndexedDBConfig, { indexedDB } = options;
    return lazyDriver("IndexedDB", async () => (await import("../indexeddb/driver.ts")).indexedDBDriver({ dbName, indexedDB }), { replace: false });
  },
});
