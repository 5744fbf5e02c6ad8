/**
 * objstore for Deno: the public API with Deno's runtime services injected (file system,
 * native libSQL client), so every config Type that works on Deno works from here.
 *
 * @example
 * ```ts
 * import { createObjectStoreFromEnv } from "objstore/deno";
 * const store = createObjectStoreFromEnv(Deno.env.toObject());
 * ```
 *
 * @module
 */
import {
  createObjectStoreFromEnv as createFromEnv,
  createObjectStoreInstance as createInstance,
  type CreateOptions,
  type ObjectStore,
  type StoreConfig,
} from "../mod.ts";

/** The services Deno provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
  // Each driver that needs a runtime service adds it here (fileSystem, libsqlCreateClient).
};

/**
 * `createObjectStoreInstance` with Deno's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * ```
 */
export function createObjectStoreInstance(config?: StoreConfig | null, options?: CreateOptions): ObjectStore {
  return createInstance(config, { ...services, ...options });
}

/**
 * `createObjectStoreFromEnv` with Deno's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export function createObjectStoreFromEnv(env: Record<string, string | undefined>, options?: CreateOptions): ObjectStore {
  return createFromEnv(env, { ...services, ...options });
}

export * from "../mod.ts";
