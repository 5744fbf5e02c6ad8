/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"Remote"}` stores
 * (another objstore's HTTP API over `fetch`; the driver loads on first use).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/remote";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "Remote", url: "https://objstore.example.com" });
 * ```
 *
 * @module
 */
import type { RemoteConfig } from "../../config-types.ts";
import { InvalidInputError } from "../../errors.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";
import { parseStoreConfig } from "../../config.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["Remote"],
  create(config, { options }) {
    const { url, token, timeout, replication } = config as RemoteConfig, fetch = options.fetch ?? globalThis.fetch;
    if (typeof fetch !== "function") throw new InvalidInputError("INVALID_ARGUMENT", "Remote: no fetch available");
    return lazyDriver("Remote", async () => (await import("../remote.ts")).remoteDriver({ url, token, fetch, timeout, replication }), { replace: true });
  },
});
