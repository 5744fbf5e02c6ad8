/**
 * The native libSQL client (`createClient` of `@libsql/client`, an optional peer dependency),
 * loaded when a LibSQL store first connects, for the runtime entry points to inject.
 *
 * @module
 */
import type { LibsqlCreateClient } from "../mod.ts";
import { importPeer } from "../src/optional-peer.ts";

/**
 * `createClient` of `@libsql/client`, imported on first use; without the package it rejects
 * with `UNSUPPORTED` naming it.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "LibSQL", url: "file:data.db" }, { libsqlCreateClient: nativeLibsqlCreateClient });
 * ```
 */
export const nativeLibsqlCreateClient: LibsqlCreateClient = async (config) => {
  const libsql = await importPeer(() => import("@libsql/client"), "@libsql/client", "The LibSQL store");
  return libsql.createClient(config);
};
