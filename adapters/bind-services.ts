/**
 * Binds a runtime's services (file system, native libSQL client, ...) into the public
 * constructors; the runtime entry points are this plus their services.
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

/** The public constructors with a runtime's services filled in; options passed by the caller win. */
export interface BoundConstructors {
  createObjectStoreInstance(config?: StoreConfig | null, options?: CreateOptions): ObjectStore;
  createObjectStoreFromEnv(env: Record<string, string | undefined>, options?: CreateOptions): ObjectStore;
}

/**
 * Returns the constructors with `services` as default options.
 *
 * @example
 * ```ts
 * const { createObjectStoreInstance } = bindServices({ fetch: myFetch });
 * ```
 */
export function bindServices(services: CreateOptions): BoundConstructors {
  return {
    createObjectStoreInstance: (config, options) => createInstance(config, { ...services, ...options }),
    createObjectStoreFromEnv: (env, options) => createFromEnv(env, { ...services, ...options }),
  };
}
