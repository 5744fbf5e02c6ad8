/**
 * objstore for Node: the public API with Node's runtime services injected (file system,
 * native libSQL client), so every config Type that works on Node works from here.
 *
 * @example
 * ```ts
 * import { createObjectStoreFromEnv } from "@objstore/objstore/node";
 * const store = createObjectStoreFromEnv(process.env);
 * ```
 *
 * @module
 */
import "../src/drivers/register/all.ts";
import type { CreateOptions, ObjectStore, StoreConfig } from "../mod.ts";
import { type Handler, type RunningServer, type ServeOptions, serveWith } from "./serve/common.ts";
import { nodeListen } from "./serve/node.ts";
import { bindServices, type BoundConstructors } from "./bind-services.ts";
import { nodeFileSystem } from "./fs/node.ts";
import { nativeLibsqlCreateClient } from "./libsql-client.ts";
import { sqlClientLoaders } from "./sql-clients.ts";

/** The services Node provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
  fileSystem: nodeFileSystem,
  libsqlCreateClient: nativeLibsqlCreateClient,
  // mysql2 / postgres (optional peer dependencies), imported when a MySQL or PostgreSQL store is first used.
  ...sqlClientLoaders,
  // Each driver that needs a runtime service adds it here (fileSystem, libsqlCreateClient).
};

const bound: BoundConstructors = bindServices(services);

/**
 * `createObjectStoreInstance` with Node's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * ```
 */
export const createObjectStoreInstance: (config?: StoreConfig | null, options?: CreateOptions) => ObjectStore = bound.createObjectStoreInstance;

/**
 * `createObjectStoreFromEnv` with Node's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export const createObjectStoreFromEnv: (env: Record<string, string | undefined>, options?: CreateOptions) => ObjectStore = bound.createObjectStoreFromEnv;

/**
 * Serves the HTTP API (docs/http.md) on Node: the store of `options.store`, else of
 * `env.APIAPP_OBJECTSTORECONFIG`; port/host/token from options, else PORT, HOST, API_TOKEN.
 * Logs one line per request. `close()` stops listening; the store stays open.
 *
 * @example
 * ```ts
 * const server = await serve({ env: process.env, port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function serve(options?: ServeOptions): Promise<RunningServer> {
  return serveWith({ listen: nodeListen, createFromEnv: createObjectStoreFromEnv }, options);
}
export type { Handler, RunningServer, ServeOptions };

export { nodeFileSystem } from "./fs/node.ts";
export * from "../mod.ts";
