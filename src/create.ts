/**
 * Creating stores from configs and from the environment.
 *
 * @module
 */
import type { MirrorFailure } from "./composites/migrating.ts";
import type { OfflineConflict, OfflineStatus } from "./composites/offline/types.ts";
import type { StoreConfig } from "./config-types.ts";
import type { Driver } from "./driver.ts";
import type { OpenKv } from "./drivers/denokv/kv.ts";
import type { D1DatabaseLike } from "./drivers/d1/driver.ts";
import type { IndexedDBGlobals } from "./drivers/indexeddb/driver.ts";
import type { LibsqlCreateClient } from "./drivers/libsql/from-config.ts";
import type { Mysql2Module } from "./drivers/sql/mysql-client.ts";
import type { PostgresFactory } from "./drivers/sql/postgres-client.ts";
import { memoryDriver } from "./drivers/memory.ts";
import { DRIVER_MODULES, registeredConfigParser, registeredDriver } from "./drivers/registry.ts";
import { ConfigError, ObjectStoreError } from "./errors.ts";
import type { FileSystem } from "./file-system.ts";
import { createStore } from "./store.ts";
import { ENTRY_POINTS_LOAD_IT } from "./store-features.ts";
import type { ObjectStore } from "./types.ts";
import { invalidArgument } from "./validate.ts";

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
  /** Called for every conflict an Offline store finds when it replays its outbox. @default none */
  onConflict?: (conflict: OfflineConflict) => void;
  /** Called whenever an Offline store's status changes. @default none */
  onStatus?: (status: OfflineStatus) => void;
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
  /**
   * Loads `mysql2/promise` for `{"Type":"SQLAlchemy"}` with a MySQL/MariaDB URL. The runtime
   * entry points inject `() => import("mysql2/promise")` (install `mysql2`).
   * @default none (MySQL URLs then throw UNSUPPORTED)
   */
  loadMysql2?: () => Promise<Mysql2Module>;
  /**
   * Loads postgres.js (`postgres`) for `{"Type":"SQLAlchemy"}` with a PostgreSQL URL. The runtime
   * entry points inject `async () => (await import("postgres")).default` (install `postgres`).
   * @default none (PostgreSQL URLs then throw UNSUPPORTED)
   */
  loadPostgres?: () => Promise<PostgresFactory>;
  /**
   * Opens Deno KV for `{"Type":"DenoKV"}`: `Deno.openKv`, which `@objstore/objstore/deno` injects,
   * or `openKv` of the npm package `@deno/kv` on Node. @default none (DenoKV then throws UNSUPPORTED)
   */
  openKv?: OpenKv;
  /**
   * The D1 database for `{"Type":"D1"}`: the binding itself, or a function from the config's
   * `binding` name to it. `@objstore/objstore/worker` passes the Worker's `env` bindings.
   * @default none (D1 then throws UNSUPPORTED)
   */
  d1?: D1DatabaseLike | ((binding: string) => D1DatabaseLike | undefined);
}

/** The name of the environment variable holding the store config (JSON text). */
export const CONFIG_ENV_VAR = "APIAPP_OBJECTSTORECONFIG";

/**
 * Creates a store from a config (validated like `parseStoreConfig`); none means Memory.
 * No I/O happens until the first operation. Memory is built in; every other `Type` needs its
 * driver's module imported first (`import "@objstore/objstore/dynamodb"`, ...), or the
 * constructor of a runtime entry point (`@objstore/objstore/node`, `/bun`, `/deno`), which
 * loads every driver; a `Type` whose driver was not imported throws `UNSUPPORTED` naming it.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function createObjectStoreInstance(config?: StoreConfig | null, options: CreateOptions = {}): ObjectStore {
  if (options === null || typeof options !== "object") {
    throw invalidArgument("options: expected an object");
  }
  const parsed = parseConfig(config ?? { Type: "Memory" });
  const definition = parsed.Type === "Memory" ? undefined : registeredDriver(parsed.Type);
  // A store of stores (MultiTenant): its registration builds it from the stores inside.
  if (definition?.createStore) return definition.createStore(parsed, (inner) => createObjectStoreInstance(inner, options));
  const driver = driverFor(parsed, options);
  const store = createStore(driver, options);
  // A composite's own calls (OfflineObjectStore's sync, CachingObjectStore's stats, ...).
  const methods = definition?.storeMethods?.(driver);
  return methods ? Object.assign(store, methods) : store;
}

/**
 * The driver for a config: Memory is built in; every other backend comes from its registration
 * (`src/drivers/registry.ts`), made by importing its module (`@objstore/objstore/dynamodb`, ...
 * or a runtime entry point, which imports them all). A registered backend loads its
 * implementation on first use; what it checks when created (a file system, a fetch, a local
 * libSQL URL) is checked here, synchronously.
 */
function driverFor(config: StoreConfig, options: CreateOptions): Driver {
  if (config.Type === "Memory") return memoryDriver();
  const type = (config as StoreConfig).Type;
  const definition = registeredDriver(type);
  if (definition === undefined) throw notRegistered(type);
  return definition.create(config, { options, driverFor: (inner) => driverFor(inner, options) });
}

/** The Types a config may have, for the error that names an unknown one. */
const TYPES = ["Memory", ...Object.keys(DRIVER_MODULES)].map((type) => JSON.stringify(type)).join(", ");

/**
 * Validates a config with the validator the registered drivers brought (`parseStoreConfig`).
 * With no driver registered only Memory can be built, and this checks that by hand (with the
 * same issues parseStoreConfig reports), so a Memory-only program carries no schemas.
 */
function parseConfig(config: unknown): StoreConfig {
  const parse = registeredConfigParser();
  if (parse !== undefined) return parse(config);
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError([{ path: "", message: "expected an object with a Type" }]);
  }
  const { Type: type, ...rest } = config as Record<string, unknown>;
  if (type === "Memory") {
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new ConfigError(unknown.map((key) => ({ path: key, message: "unknown key" })));
    return { Type: "Memory" };
  }
  if (typeof type === "string" && Object.hasOwn(DRIVER_MODULES, type)) throw notRegistered(type);
  throw new ConfigError([{ path: "Type", message: `${type === undefined ? "is required" : "unknown Type"}; expected one of ${TYPES}` }]);
}

function notRegistered(type: string): ObjectStoreError {
  const specifier = Object.hasOwn(DRIVER_MODULES, type) ? DRIVER_MODULES[type] : undefined;
  return new ObjectStoreError(
    "UNSUPPORTED",
    specifier === undefined
      ? `the ${type} driver is not available`
      : `the ${type} driver is not loaded: import "${specifier}" before creating the store ${ENTRY_POINTS_LOAD_IT}`,
  );
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
    throw invalidArgument("env: expected an object of strings");
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
