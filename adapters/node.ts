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
import type { CreateOptions } from "../mod.ts";
import { bindServices, type BoundConstructors } from "./bind-services.ts";

/** The services Node provides to drivers; options passed by the caller win. */
const services: CreateOptions = {
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
export const createObjectStoreInstance: BoundConstructors["createObjectStoreInstance"] = bound.createObjectStoreInstance;

/**
 * `createObjectStoreFromEnv` with Node's services.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export const createObjectStoreFromEnv: BoundConstructors["createObjectStoreFromEnv"] = bound.createObjectStoreFromEnv;

export * from "../mod.ts";
