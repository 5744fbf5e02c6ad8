/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"DenoKV"}` stores, given
 * Deno KV in `options.openKv`: `@objstore/objstore/deno` imports this module and injects
 * `Deno.openKv` (run Deno with `--unstable-kv`); elsewhere pass `openKv` of the npm package
 * `@deno/kv`. See docs/denokv.md.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance } from "@objstore/objstore/deno"; // registers and injects
 * const store = createObjectStoreInstance({ Type: "DenoKV" });
 * ```
 *
 * @module
 */
import { parseStoreConfig } from "../../config.ts";
import type { DenoKVConfig } from "../../config-types.ts";
import { ObjectStoreError } from "../../errors.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["DenoKV"],
  create(config, { options }) {
    const { path, objectPrefix } = config as DenoKVConfig, { openKv } = options;
    if (!openKv) {
      throw new ObjectStoreError(
        "UNSUPPORTED",
        "DenoKV needs Deno KV: import createObjectStoreInstance from @objstore/objstore/deno and run Deno with --unstable-kv (or pass options.openKv, e.g. openKv of the npm package @deno/kv)",
      );
    }
    return lazyDriver("DenoKV", async () => (await import("../denokv/driver.ts")).denoKvDriver({ kv: openKv, path, objectPrefix }), { replace: true });
  },
});
