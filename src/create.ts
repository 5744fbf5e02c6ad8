/**
 * Creating stores from configs and from the environment.
 *
 * @module
 */
import { cachingDriver } from "./composites/caching.ts";
import { type MigratingDriver, migratingDriver, type MirrorFailure } from "./composites/migrating.ts";
import { parseStoreConfig } from "./config.ts";
import type { StoreConfig } from "./config-types.ts";
import type { Driver } from "./driver.ts";
import type { IndexedDBGlobals } from "./drivers/indexeddb/driver.ts";
import { lazyDriver } from "./drivers/lazy.ts";
import { libsqlDriverFromConfig, type LibsqlCreateClient } from "./drivers/libsql/from-config.ts";
import { memoryDriver } from "./drivers/memory.ts";
import { ConfigError, InvalidInputError, ObjectStoreError } from "./errors.ts";
import type { FileSystem } from "./file-system.ts";
import { createStore } from "./store.ts";
import type { ObjectStore } from "./types.ts";

/** Options for creating a store: clocks, limits and the runtime services a driver needs. */
export interface CreateOptions {
  /** Clock for `created`/`updated` stamps (tests fix it). @default () => new Date() */
  now?: () => Date;
  /** Milliseconds for cache expiry. @default () => performance.now() */
  monotonicNow?: () => number;
  /**
   * Called when a Migrating store could not mirror a commit to `To` (the commit stands in
   * `From`; run the migration job to repair `To`). Also counted in the store's `stats()`.
   * @default none (only counted)
   */
  onMirrorError?: (failure: MirrorFailure) => void;
  /** Largest page size; larger requests are clamped. @default 100 */
  maxPagesize?: number;
  /** `fetch` for drivers that speak HTTP. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The file system for `{"Type":"SimpleFileStore"}`: `nodeFileSystem`, `bunFileSystem` or
   * `denoFileSystem`. The runtime entry points `@objstore/objstore/node`, `@objstore/objstore/bun` and
   * `@objstore/objstore/deno` inject it. @default none (SimpleFileStore then throws UNSUPPORTED)
   */
  fileSystem?: FileSystem;
  /** The IndexedDB implementation for `{"Type":"IndexedDB"}`. @default globalThis (the browser's) */
  indexedDB?: IndexedDBGlobals;
  /**
   * `createClient` of `@libsql/client` for `{"Type":"LibSQL"}` / `"SQLAlchemy"`. The runtime entry
   * points `@objstore/objstore/node`, `@objstore/objstore/bun` and `@objstore/objstore/deno` inject the native one, so `file:`
   * and `:memory:` work there. @default `createClient` of `@libsql/client/web` (HTTP only;
   * `file:` and `:memory:` then throw UNSUPPORTED)
   */
  libsqlCreateClient?: LibsqlCreateClient;
}

/** The name of the environment variable holding the store config (JSON text). */
export const CONFIG_ENV_VAR = "APIAPP_OBJECTSTORECONFIG";

/**
 * Creates a store from a config (validated by {@link parseStoreConfig}); none means Memory.
 * No I/O happens until the first operation.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function createObjectStoreInstance(config?: StoreConfig | null, options: CreateOptions = {}): ObjectStore {
  if (options === null || typeof options !== "object") {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid options: expected an object");
  }
  const parsed = parseStoreConfig(config ?? { Type: "Memory" });
  const driver = driverFor(parsed, options);
  const store = createStore(driver, options);
  // Composites have counters: `stats()` on the store (CachingObjectStore, MigratingObjectStore).
  if ("stats" in driver && typeof driver.stats === "function") {
    const stats = (driver as MigratingDriver).stats.bind(driver);
    return Object.assign(store, { stats });
  }
  return store;
}

/**
 * The driver for a config. Every backend but Memory is imported on its first operation
 * (`lazyDriver`), so bundles that split code load only the backends a program uses; what a
 * backend checks when it is created (a file system, a fetch, a local libSQL URL) is checked here,
 * synchronously, as before. Arguments are read now, not when the backend loads.
 */
function driverFor(config: StoreConfig, options: CreateOptions): Driver {
  switch (config.Type) {
    case "Memory":
      return memoryDriver();
    case "IndexedDB": {
      const { dbName } = config, { indexedDB } = options;
      return lazyDriver("IndexedDB", async () => (await import("./drivers/indexeddb/driver.ts")).indexedDBDriver({ dbName, indexedDB }), { replace: false });
    }
    case "Remote": {
      const { url, token, replication } = config, fetch = options.fetch ?? globalThis.fetch;
      if (typeof fetch !== "function") throw new InvalidInputError("INVALID_ARGUMENT", "Remote: no fetch available");
      return lazyDriver("Remote", async () => (await import("./drivers/remote.ts")).remoteDriver({ url, token, fetch, replication }), { replace: true });
    }
    case "DynamoDB": {
      const fetch = options.fetch ?? globalThis.fetch;
      return lazyDriver("DynamoDB", async () => (await import("./drivers/dynamodb/driver.ts")).dynamodbDriver({ config, fetch }), { replace: true });
    }
    case "SimpleFileStore": {
      const { fileSystem } = options;
      if (!fileSystem) {
        throw new ObjectStoreError(
          "UNSUPPORTED",
          "SimpleFileStore needs a file system: import createObjectStoreInstance from @objstore/objstore/node, @objstore/objstore/bun or @objstore/objstore/deno (or pass options.fileSystem)",
        );
      }
      const baseLocation = config.BaseLocation;
      return lazyDriver("SimpleFileStore", async () => (await import("./drivers/file/driver.ts")).fileDriver({ baseLocation, fileSystem }), { replace: false });
    }
    case "SQLAlchemy":
    case "LibSQL":
      return libsqlDriverFromConfig(config, options);
    case "Caching":
      return cachingDriver({
        main: driverFor(config.Main, options),
        cache: driverFor(config.Caching ?? { Type: "Memory" }, options),
        defaultPolicy: config.DefaultPolicy,
        overrides: config.TablePolicyOverride ?? config.ObjectTypeOverride,
        monotonicNow: options.monotonicNow,
      });
    case "Migrating":
      return migratingDriver(driverFor(config.From, options), driverFor(config.To, options), { onMirrorError: options.onMirrorError });
    default:
      throw unsupported(`the ${(config as StoreConfig).Type} driver`);
  }
}

function unsupported(what: string): ObjectStoreError {
  return new ObjectStoreError("UNSUPPORTED", `${what} is not available yet`);
}

/**
 * Creates a store from `APIAPP_OBJECTSTORECONFIG` in `env` (JSON text); absent or blank means
 * Memory.
 *
 * @example
 * ```ts
 * const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' });
 * ```
 */
export function createObjectStoreFromEnv(env: Record<string, string | undefined>, options?: CreateOptions): ObjectStore {
  if (env === null || typeof env !== "object") {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid env: expected an object of strings");
  }
  const text = env[CONFIG_ENV_VAR];
  if (text === undefined || text.trim() === "") return createObjectStoreInstance(null, options);
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    // No cause: a JSON.parse error quotes the input, which may hold secrets.
    throw new ConfigError([{ path: "", message: `${CONFIG_ENV_VAR} is not valid JSON` }]);
  }
  return createObjectStoreInstance(config as StoreConfig, options);
}
