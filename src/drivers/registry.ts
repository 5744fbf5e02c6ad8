/**
 * The drivers `createObjectStoreInstance` can build from a config, by `Type`. Memory, Caching
 * and Migrating are built in; every other backend registers itself when its module is imported
 * (`@objstore/objstore/dynamodb`, `/libsql`, `/file`, `/indexeddb`, `/remote`; the runtime entry
 * points `/node`, `/bun`, `/deno` and `/worker` import all they support). So a bundle holds only
 * the drivers a program imports, whether or not the bundler splits code.
 *
 * Adding a driver: a `register/<name>.ts` that calls {@link registerDriver} (its implementation
 * behind a dynamic `import()` and {@link lazyDriver}), a line in {@link DRIVER_MODULES}, the
 * subpath in package.json and deno.json, and an import in the runtime entry points that offer it.
 *
 * @module
 */
import type { StoreConfig } from "../config-types.ts";
import type { CreateOptions } from "../create.ts";
import type { Driver } from "../driver.ts";
import type { ObjectStore } from "../types.ts";

/** What a driver's `create` gets besides its config. */
export interface DriverContext {
  /** The options passed to `createObjectStoreInstance` (runtime services included). */
  options: CreateOptions;
  /** Builds the driver of another (nested) config, for stores made of stores. */
  driverFor(config: StoreConfig): Driver;
}

/** A backend `createObjectStoreInstance` can build: the config `Type`s it serves and its factory. */
export interface DriverDefinition {
  /** The config `Type`s this driver serves, e.g. `["LibSQL", "SQLAlchemy"]`. */
  types: readonly string[];
  /**
   * Builds the driver for a validated config. No I/O: check synchronously what can be checked
   * (a missing service throws `UNSUPPORTED`) and load the rest on first use.
   */
  create(config: StoreConfig, context: DriverContext): Driver;
  /**
   * Validates a whole config (`parseStoreConfig`). Registrations bring the validator, so a
   * program that imports no driver (Memory only) does not carry every backend's schema.
   */
  parseConfig(config: unknown): StoreConfig;
  /**
   * For a store made of whole stores (MultiTenant): builds the store itself, with `create`
   * making each inner store. `create` (the driver) is then used only when the config is nested,
   * where it throws.
   */
  createStore?(config: StoreConfig, create: (inner: StoreConfig) => ObjectStore): ObjectStore;
  /**
   * The methods a store of this driver gains besides `ObjectStore`'s, given the driver `create`
   * made (an Offline store's `sync`, a Caching or Migrating store's `stats`).
   */
  storeMethods?(driver: Driver): object;
}

/**
 * The module that registers each backend, named in the error when it was not imported:
 * `@objstore/objstore/<the Type in lower case>`, except the two Types another module serves.
 */
export const DRIVER_MODULES: Readonly<Record<string, string>> = Object.fromEntries(
  ["SQLAlchemy", "LibSQL", "SimpleFileStore", "DynamoDB", "IndexedDB", "DenoKV", "D1", "Remote", "Migrating", "Caching", "MultiTenant", "Offline"]
    .map((type) => [type, `@objstore/objstore/${type === "SQLAlchemy" ? "libsql" : type === "SimpleFileStore" ? "file" : type.toLowerCase()}`]),
);

const registered = new Map<string, DriverDefinition>();
let parser: ((config: unknown) => StoreConfig) | undefined;

/**
 * Makes `createObjectStoreInstance` build `definition` for each of its `types` (a later
 * registration of a Type replaces the earlier one).
 *
 * @example
 * ```ts
 * registerDriver({ types: ["Remote"], create: (config, { options }) => remoteDriverFor(config, options) });
 * ```
 */
export function registerDriver(definition: DriverDefinition): void {
  for (const type of definition.types) registered.set(type, definition);
  parser = definition.parseConfig;
}

/**
 * The config validator the registered drivers brought, or undefined when none was registered
 * (only Memory can be created then).
 *
 * @example
 * ```ts
 * const config = registeredConfigParser()?.(input);
 * ```
 */
export function registeredConfigParser(): ((config: unknown) => StoreConfig) | undefined {
  return parser;
}

/**
 * The registered definition for a config `Type`, or undefined.
 *
 * @example
 * ```ts
 * registeredDriver("DynamoDB")?.types; // ["DynamoDB"] once @objstore/objstore/dynamodb is imported
 * ```
 */
export function registeredDriver(type: string): DriverDefinition | undefined {
  return registered.get(type);
}
