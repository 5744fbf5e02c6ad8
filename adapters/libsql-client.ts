/**
 * The native libSQL client (`createClient` of `@libsql/client`, an optional peer dependency),
 * loaded when a LibSQL store first connects, for the runtime entry points to inject.
 *
 * @module
 */
import type { LibsqlCreateClient } from "../mod.ts";
import { ObjectStoreError } from "../mod.ts";

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
  let libsql: typeof import("@libsql/client");
  try {
    libsql = await import("@libsql/client");
  } catch (error) {
    throw new ObjectStoreError("UNSUPPORTED", "The LibSQL store needs the package @libsql/client: npm install @libsql/client", { cause: error });
  }
  return libsql.createClient(config);
};
