/**
 * The store config format (docs/config.md), kept from object_store_abstraction:
 * `{"Type": "DynamoDB", ...}`, usually read from `APIAPP_OBJECTSTORECONFIG`.
 *
 * @module
 */

/** `{"Type":"Memory"}`: objects live in this process. */
export interface MemoryConfig {
  Type: "Memory";
}

/** `{"Type":"LibSQL","url":...}` or the seed's `{"Type":"SQLAlchemy","connectionString":...}`. */
export interface LibSQLConfig {
  Type: "LibSQL" | "SQLAlchemy";
  /** `file:`, `:memory:`, `libsql://`, `http(s)://` or `ws(s)://` (exactly one of this and `url`). */
  connectionString?: string;
  url?: string;
  authToken?: string;
  /** Table-name prefix (an identifier). */
  objectPrefix?: string;
}

/** `{"Type":"SimpleFileStore","BaseLocation":"/var/datastore"}` (no trailing slash). */
export interface SimpleFileStoreConfig {
  Type: "SimpleFileStore";
  BaseLocation: string;
}

/** The seed's DynamoDB config. */
export interface DynamoDBConfig {
  Type: "DynamoDB";
  aws_access_key_id: string;
  aws_secret_access_key: string;
  aws_session_token?: string;
  region_name: string;
  /** An http(s) URL, or "None" for AWS's endpoint of the region. @default "None" */
  endpoint_url: string;
  /** @default true */
  single_table_mode: boolean;
  objectPrefix?: string;
  /**
   * `"original"`: read and write the tables and items of the Python original
   * (object_store_abstraction), to migrate a running deployment. @default "objstore"
   */
  layout?: "objstore" | "original";
}

/** `{"Type":"IndexedDB"}` in the browser. */
export interface IndexedDBConfig {
  Type: "IndexedDB";
  /** @default "objstore" */
  dbName: string;
}

/**
 * `{"Type":"DenoKV"}`: Deno KV, the database of Deno and Deno Deploy. `@objstore/objstore/deno`
 * opens it with `Deno.openKv(path)`; elsewhere pass `CreateOptions.openKv`.
 */
export interface DenoKVConfig {
  Type: "DenoKV";
  /** A file, `:memory:` or a database URL. @default the default database (on Deno Deploy: the app's) */
  path?: string;
  /** First part of every key (letters, digits, `_ . -`). @default "objstore" */
  objectPrefix?: string;
}

/** An objstore HTTP API as the store. */
export interface RemoteConfig {
  Type: "Remote";
  url: string;
  token?: string;
  /** Write records verbatim (versions and stamps kept), for a Migrating `To` or a migration job; needs a `replicate`-scope token. @default false */
  replication?: boolean;
  /**
   * Milliseconds one request may take (answer included); then the call fails with
   * `BACKEND_UNAVAILABLE`. An integer from 1 to 2147483647. @default 30000
   */
  timeout?: number;
}

/** Live migration: reads from `From`, writes to `From` then mirrors to `To`. */
export interface MigratingConfig {
  Type: "Migrating";
  From: StoreConfig;
  To: StoreConfig;
}

/** A cache policy of the Caching store. */
export interface CachePolicy {
  cache: boolean;
  /** Entries per type above which the least recently used are evicted (≥ 2). */
  maxCacheSize?: number;
  /** How many entries eviction keeps (0 ≤ cullToSize < maxCacheSize). */
  cullToSize?: number;
  /** Milliseconds an entry stays valid after it was cached (> 0). */
  timeout?: number;
}

/** A read-through cache in front of `Main`. */
export interface CachingConfig {
  Type: "Caching";
  Main: StoreConfig;
  /** The cache store. @default {"Type":"Memory"} (parseStoreConfig fills it in) */
  Caching?: StoreConfig;
  DefaultPolicy: CachePolicy;
  TablePolicyOverride?: Record<string, CachePolicy>;
  /** Alias of `TablePolicyOverride` (give one of them). */
  ObjectTypeOverride?: Record<string, CachePolicy>;
}

/**
 * `{"Type":"MultiTenant","stores":[{"tenantName":"acme","config":{…}}]}`: each tenant's objects in
 * a store of its own; `getStore(tenantName)` (or `forTenant`) gives it.
 */
export interface MultiTenantConfig {
  Type: "MultiTenant";
  /** At least one; tenant names are unique and follow the object-type rules. */
  stores: { tenantName: string; config: StoreConfig }[];
}

/** Any store config, as {@link parseStoreConfig} returns it (defaults filled in). */
export type StoreConfig =
  | MemoryConfig
  | LibSQLConfig
  | SimpleFileStoreConfig
  | DynamoDBConfig
  | IndexedDBConfig
  | DenoKVConfig
  | RemoteConfig
  | MigratingConfig
  | CachingConfig
  | MultiTenantConfig;
