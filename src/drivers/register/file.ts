/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"SimpleFileStore"}`
 * stores (one JSON file per object under `BaseLocation`), given a file system in
 * `options.fileSystem`: the runtime entry points `@objstore/objstore/node`, `/bun` and `/deno`
 * import this module and pass their file system.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance } from "@objstore/objstore/node"; // registers and injects
 * const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: "./data" });
 * ```
 *
 * @module
 */
import type { SimpleFileStoreConfig } from "../../config-types.ts";
import { ObjectStoreError } from "../../errors.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";
import { parseStoreConfig } from "../../config.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["SimpleFileStore"],
  create(config, { options }) {
    const { fileSystem } = options;
    if (!fileSystem) {
      throw new ObjectStoreError(
        "UNSUPPORTED",
        "SimpleFileStore needs a file system: import createObjectStoreInstance from @objstore/objstore/node, @objstore/objstore/bun or @objstore/objstore/deno (or pass options.fileSystem)",
      );
    }
    const { BaseLocation: baseLocation, layout } = config as SimpleFileStoreConfig;
    return lazyDriver("SimpleFileStore", async () => (await import("../file/driver.ts")).fileDriver({ baseLocation, fileSystem, layout }), { replace: false });
  },
});
