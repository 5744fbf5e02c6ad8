/**
 * objstore for Bun: the public API with Bun's runtime services injected (file system,
 * native libSQL client), so every config Type that works on Bun works from here.
 *
 * @example
 * ```ts
 * import { createObjectStoreFromEnv } from "objstore/bun";
 * const store = createObjectStoreFromEnv(process.env);
 * ```
 *
 * @module
 */
import type { CreateOptions } from "../mod.ts";
import { bindServices, type BoundConstructors } from "./bind-services.ts";

/** The services Bun provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
  // Each driver that needs a runtime service adds it here (fileSystem, libsqlCreateClient).
};

const bound: BoundConstructors = bindServices(services);

/**
 * `createObjectStoreInstance` with Bun's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * ```
 */
export const createObjectStoreInstance: BoundConstructors["createObjectStoreInstance"] = bound.createObjectStoreInstance;

/**
 * `createObjectStoreFromEnv` with Bun's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export const createObjectStoreFromEnv: BoundConstructors["createObjectStoreFromEnv"] = bound.createObjectStoreFromEnv;

export * from "../mod.ts";
