/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"LibSQL"}` and
 * `{"Type":"SQLAlchemy"}` stores on libSQL/SQLite, and `SQLAlchemy` stores on MySQL/MariaDB
 * (`mysql://`, needs `mysql2`) and PostgreSQL (`postgresql://`, needs `postgres`), whose clients
 * `@objstore/objstore/node`, `/bun` and `/deno` load. Needs the optional peer dependency
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
import { sqlalchemyDriverFromConfig } from "../sql/from-config.ts";
import { registerDriver } from "../registry.ts";
import { checkServerUrlsWith, parseStoreConfig } from "../../config.ts";
import { parseServerUrl } from "../sql/url.ts";

// The config check reads MySQL and PostgreSQL URLs only where these drivers are (url.ts stays
// out of other bundles).
checkServerUrlsWith(parseServerUrl);

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["LibSQL", "SQLAlchemy"],
  // SQLAlchemy URLs of MySQL/MariaDB and PostgreSQL go to the SQL layer's server dialects
  // (clients mysql2 / postgres, injected by the runtime entry points); the rest to libSQL.
  create: (config, { options }) => sqlalchemyDriverFromConfig(config as LibSQLConfig, options),
});
