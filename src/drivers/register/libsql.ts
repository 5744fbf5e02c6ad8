/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"LibSQL"}` and
 * `{"Type":"SQLAlchemy"}` stores on libSQL/SQLite. Needs the optional peer dependency
 * `@libsql/client` (`npm install @libsql/client`): over HTTP (`libsql://`, `http(s)://`,
 * `ws(s)://`) with its web client anywhere; local files (`file:`, `:memory:`) with the native
 * client that `@objstore/objstore/node`, `/bun` and `/deno` inject.
 *
 * @example
 * ```ts
 * import "@objstore/objstore/libsql";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "LibSQL", url: "libsql://db.example.com", authToken: "..." });
 * ```
 *
 * @module
 */
import type { LibSQLConfig } from "../../config-types.ts";
import { libsqlDriverFromConfig } from "../libsql/from-config.ts";
import { registerDriver } from "../registry.ts";
import { parseStoreConfig } from "../../config.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["LibSQL", "SQLAlchemy"],
  create: (config, { options }) => libsqlDriverFromConfig(config as LibSQLConfig, options),
});
