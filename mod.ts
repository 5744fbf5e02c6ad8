/**
 * objstore: versioned JSON objects by type and key, with the same behaviour on every backend
 * and runtime.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "Memory" });
 * const { version } = await store.save("Person", "ann", { name: "Ann" });
 * await store.save("Person", "ann", { name: "Ann B." }, version);
 * ```
 *
 * @module
 */
export { CONFIG_ENV_VAR, createObjectStoreFromEnv, createObjectStoreInstance, type CreateOptions } from "./src/create.ts";
export { parseStoreConfig } from "./src/config.ts";
export type { FileInfo, FileSystem } from "./src/file-system.ts";
export type { IndexedDBGlobals } from "./src/drivers/indexeddb/driver.ts";
export type { LibsqlClientConfig, LibsqlCreateClient } from "./src/drivers/libsql/from-config.ts";
export type { D1DatabaseLike, D1PreparedStatementLike } from "./src/drivers/d1/driver.ts";
export type { Mysql2Connection, Mysql2Module, Mysql2Pool } from "./src/drivers/sql/mysql-client.ts";
export type { PostgresFactory, PostgresQuery, PostgresSql } from "./src/drivers/sql/postgres-client.ts";
export type { CallOptions, Driver, DriverGet, DriverPage, DriverRecord, Expect, PageRequest, Write } from "./src/driver.ts";
export type { Position, SortField } from "./src/query.ts";
export type { CacheStats, TypeCacheStats } from "./src/composites/cache-index.ts";
export type { CachingObjectStore } from "./src/composites/caching.ts";
export type { MigratingObjectStore, MirrorFailure, MirrorStats } from "./src/composites/migrating.ts";
export type { OfflineConflict, OfflineObjectStore, OfflineStatus } from "./src/composites/offline/types.ts";
export {
  type CheckpointStore,
  type Difference,
  type Endpoint,
  memoryCheckpointStore,
  migrate,
  type MigrateOptions,
  type MigrationCheckpoint,
  type MigrationCounts,
  migrationIdentity,
  type MigrationIdentity,
  type MigrationProgress,
  type MigrationResult,
  type ObjectRef,
  verify,
  type VerifyOptions,
  type VerifyResult,
} from "./src/migrate/mod.ts";
export type {
  CachePolicy,
  CachingConfig,
  D1Config,
  DenoKVConfig,
  DynamoDBConfig,
  IndexedDBConfig,
  LibSQLConfig,
  MemoryConfig,
  MigratingConfig,
  OfflineConfig,
  MultiTenantConfig,
  RemoteConfig,
  SimpleFileStoreConfig,
  StoreConfig,
} from "./src/config-types.ts";
export {
  BackendError,
  ConfigError,
  type ConfigIssue,
  InvalidInputError,
  ObjectExistsError,
  ObjectMissingError,
  ObjectStoreError,
  type ObjectStoreErrorCode,
  WrongObjectVersionError,
} from "./src/errors.ts";
export type { MultiTenantObjectStore } from "./src/multi-tenant.ts";
export type { KvAtomic, KvDatabase, KvEntryMaybe, KvKey, KvSelector, KvU64Like, OpenKv } from "./src/drivers/denokv/kv.ts";
export type {
  DoubleStringIndex,
  GetOptions,
  JsonValue,
  ObjectStore,
  Page,
  PageParams,
  RemoveOptions,
  SaveResult,
  ScanOptions,
  StoredObject,
  Transaction,
  TransactionOptions,
  UpdateFn,
  Version,
} from "./src/types.ts";
