/**
 * objstore for Node: the public API with Node's runtime services injected (file system,
 * native libSQL client), so every config Type that works on Node works from here.
 *
 * @example
 * ```ts
 * import { createObjectStoreFromEnv } from "objstore/node";
 * const store = createObjectStoreFromEnv(process.env);
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

/** The services Node provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
  // Each driver that needs a runtime service adds it here (fileSystem, libsqlCreateClient).
};

/**
 * `createObjectStoreInstance` with Node's services.
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
 * `createObjectStoreFromEnv` with Node's services.
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
