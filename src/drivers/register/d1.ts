/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"D1","binding":"DB"}`
 * stores on a Cloudflare D1 database (the driver loads on first use). `@objstore/objstore/worker`
 * imports it and passes the Worker's bindings; elsewhere pass the database as `options.d1`.
 *
 * @example
 * ```ts
 * import "@objstore/objstore/d1";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * export default { fetch: async (req, env) => Response.json(await createObjectStoreInstance({ Type: "D1" }, { d1: env.DB }).types()) };
 * ```
 *
 * @module
 */
import { parseStoreConfig } from "../../config.ts";
import type { D1Config } from "../../config-types.ts";
import { ObjectStoreError } from "../../errors.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["D1"],
  create(config, { options }) {
    const { binding, objectPrefix } = config as D1Config;
    const given = options.d1;
    const database = typeof given === "function" ? given(binding) : given;
    if (!database) {
      throw new ObjectStoreError(
        "UNSUPPORTED",
        `D1 needs its database: in a Worker, use @objstore/objstore/worker with a D1 binding named ${binding} (wrangler.toml [[d1_databases]] binding = "${binding}"); elsewhere pass options.d1`,
      );
    }
    return lazyDriver("D1", async () => (await import("../d1/driver.ts")).d1Driver({ database, objectPrefix }), { replace: true });
  },
});
