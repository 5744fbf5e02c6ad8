/**
 * objstore for Deno: the public API with Deno's runtime services injected (file system,
 * native libSQL client), so every config Type that works on Deno works from here.
 *
 * @example
 * ```ts
 * import { createObjectStoreFromEnv } from "@objstore/objstore/deno";
 * const store = createObjectStoreFromEnv(Deno.env.toObject());
 * ```
 *
 * @module
 */
import "../src/drivers/register/all.ts";
import { type CreateOptions, type ObjectStore, type StoreConfig, ObjectStoreError } from "../mod.ts";
import { type Handler, type RunningServer, type ServeOptions, serveWith } from "./serve/common.ts";
import { denoListen } from "./serve/deno.ts";
import { bindServices, type BoundConstructors } from "./bind-services.ts";
import { denoFileSystem } from "./fs/deno.ts";
import { nativeLibsqlCreateClient } from "./libsql-client.ts";
import { sqlClientLoaders } from "./sql-clients.ts";

/** The services Deno provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
  fileSystem: denoFileSystem,
  libsqlCreateClient: nativeLibsqlCreateClient,
  // mysql2 / postgres (optional peer dependencies), imported when a MySQL or PostgreSQL store is first used.
  ...sqlClientLoaders,
  // Deno KV (`{"Type":"DenoKV"}`); `Deno.openKv` exists when Deno runs with --unstable-kv (or on Deploy).
  openKv: (path?: string) => {
    const open = (Deno as { openKv?: (path?: string) => Promise<unknown> }).openKv;
    if (typeof open !== "function") {
      return Promise.reject(new ObjectStoreError("UNSUPPORTED", "DenoKV needs Deno KV: run Deno with --unstable-kv (Deno Deploy has it)"));
    }
    return open.call(Deno, path) as ReturnType<NonNullable<CreateOptions["openKv"]>>;
  },
  // Each driver that needs a runtime service adds it here (fileSystem, libsqlCreateClient).
};

const bound: BoundConstructors = bindServices(services);

/**
 * `createObjectStoreInstance` with Deno's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * ```
 */
export const createObjectStoreInstance: (config?: StoreConfig | null, options?: CreateOptions) => ObjectStore = bound.createObjectStoreInstance;

/**
 * `createObjectStoreFromEnv` with Deno's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export const createObjectStoreFromEnv: (env: Record<string, string | undefined>, options?: CreateOptions) => ObjectStore = bound.createObjectStoreFromEnv;

/**
 * Serves the HTTP API (docs/http.md) on Deno: the store of `options.store`, else of
 * `env.APIAPP_OBJECTSTORECONFIG`; port/host/token from options, else PORT, HOST, API_TOKEN.
 * Logs one line per request. `close()` stops listening; the store stays open.
 *
 * @example
 * ```ts
 * const server = await serve({ env: Deno.env.toObject(), port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function serve(options?: ServeOptions): Promise<RunningServer> {
  return serveWith({ listen: denoListen, createFromEnv: createObjectStoreFromEnv }, options);
}
export type { Handler, RunningServer, ServeOptions };

export { denoFileSystem } from "./fs/deno.ts";
export * from "../mod.ts";
