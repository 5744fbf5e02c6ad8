/**
 * The store config format (docs/config.md), kept from object_store_abstraction:
 * `{"Type": "DynamoDB", ...}`, usually read from `APIAPP_OBJECTSTORECONFIG`.
 *
 * @module
 */

/** `{"Type":"Memory"}`: objects live in this process. */
export interface MemoryConfig {
  /** The store type. */
  Type: "Memory";
}

/** `{"Type":"LibSQL","url":...}` or the seed's `{"Type":"SQLAlchemy","connectionString":...}`. */
export interface LibSQLConfig {
  /** The store type (`SQLAlchemy` is the original's name for the same store). */
  Type: "LibSQL" | "SQLAlchemy";
  /** `file:`, `:memory:`, `libsql://`, `http(s)://` or `ws(s)://` (exactly one of this and `url`). */
  connectionString?: string;
  /** `file:`, `:memory:`, `libsql://`, `http(s)://` or `ws(s)://` (exactly one of this and `connectionString`). */
  url?: string;
  /** Auth token for libsql:// / HTTP servers (Turso, sqld). Never logged. */
  authToken?: string;
  /** Table-name prefix (an identifier; "" only with the original layout, its default). */
  objectPrefix?: string;
  /** `"original"`: the Python original's SQLAlchemy tables (`<prefix>_objData`, MySQL/MariaDB and SQLite). @default "objstore" */
  layout?: "objstore" | "original";
}

/** `{"Type":"SimpleFileStore","BaseLocation":"/var/datastore"}` (no trailing slash). */
export interface SimpleFileStoreConfig {
  /** The store type. */
  Type: "SimpleFileStore";
  /** An existing, writable directory (no trailing `/` or `\`); one folder per object type inside. */
  BaseLocation: string;
  /**
   * `"original"`: read and write the folders and files of the Python original
   * (object_store_abstraction), to migrate a running deployment. @default "objstore"
   */
  layout?: "objstore" | "original";
}

/** The seed's DynamoDB config. */
export interface DynamoDBConfig {
  /** The store type. */
  Type: "DynamoDB";
  /** AWS access key id. */
  aws_access_key_id: string;
  /** AWS secret access key. Never logged. */
  aws_secret_access_key: string;
  /** AWS session token, for temporary credentials. */
  aws_session_token?: string;
  /** AWS region, e.g. `eu-west-2`. */
  region_name: string;
  /** An http(s) URL, or "None" for AWS's endpoint of the region. @default "None" */
  endpoint_url: string;
  /** One table for every object type (`true`) or one table per type. @default true */
  single_table_mode: boolean;
  /** Table-name prefix (letters, digits, `_ . -`). */
  objectPrefix?: string;
  /**
   * `"original"`: read and write the tables and items of the Python original
   * (object_store_abstraction), to migrate a running deployment. @default "objstore"
   */
  layout?: "objstore" | "original";
}

/** `{"Type":"IndexedDB"}` in the browser. */
export interface IndexedDBConfig {
  /** The store type. */
  Type: "IndexedDB";
  /** The IndexedDB database name. @default "objstore" */
  dbName: string;
}

/**
 * `{"Type":"DenoKV"}`: Deno KV, the database of Deno and Deno Deploy. `@objstore/objstore/deno`
 * opens it with `Deno.openKv(path)`; elsewhere pass `CreateOptions.openKv`.
 */
export interface DenoKVConfig {
  /** The store type. */
  Type: "DenoKV";
  /** A file, `:memory:` or a database URL. @default the default database (on Deno Deploy: the app's) */
  path?: string;
  /** First part of every key (letters, digits, `_ . -`). @default "objstore" */
  objectPrefix?: string;
}

/**
 * `{"Type":"D1","binding":"DB"}`: a Cloudflare D1 database. In a Worker,
 * `@objstore/objstore/worker` takes the binding from `env`; elsewhere pass `CreateOptions.d1`.
 */
export interface D1Config {
  /** The backend. */
  Type: "D1";
  /** The name of the D1 binding in the Worker's `env` (wrangler.toml `binding`). @default "DB" */
  binding: string;
  /** Table-name prefix (an identifier). @default "objstore" */
  objectPrefix?: string;
}

/** An objstore HTTP API as the store. */
export interface RemoteConfig {
  /** The store type. */
  Type: "Remote";
  /** The base URL of an objstore HTTP API. */
  url: string;
  /** Bearer token the server asks for (`API_TOKEN`). Never logged. */
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
  /** The store type. */
  Type: "Migrating";
  /** The store read from, and written first (the source of truth). */
  From: StoreConfig;
  /** The store each commit is mirrored to (the migration target). */
  To: StoreConfig;
}

/** A cache policy of the Caching store. */
export interface CachePolicy {
  /** Whether objects of this type are cached. */
  cache: boolean;
  /** Entries per type above which the least recently used are evicted (≥ 2). */
  maxCacheSize?: number;
  /** How many entries eviction keeps (0 ≤ cullToSize < maxCacheSize). */
  cullToSize?: number;
  /** Milliseconds an entry stays valid after it was cached (> 0). */
  timeout?: number;
  /**
   * Milliseconds after it was cached (> `timeout`) during which an expired entry is still served
   * by a `get` that finds `Main` unreachable (`BACKEND_UNAVAILABLE`). @default 0 (never)
   */
  staleIfError?: number;
}

/** A read-through cache in front of `Main`. */
export interface CachingConfig {
  /** The store type. */
  Type: "Caching";
  /** The store behind the cache. */
  Main: StoreConfig;
  /** The cache store. @default {"Type":"Memory"} (parseStoreConfig fills it in) */
  Caching?: StoreConfig;
  /** The policy of every type without an override. */
  DefaultPolicy: CachePolicy;
  /** Policies per object type, overriding `DefaultPolicy` (alias `ObjectTypeOverride`). */
  TablePolicyOverride?: Record<string, CachePolicy>;
  /** Alias of `TablePolicyOverride` (give one of them). */
  ObjectTypeOverride?: Record<string, CachePolicy>;
}

/** A local-first replica of `Types` of `Main` kept in `Local`, writable offline. */
export interface OfflineConfig {
  /** The backend. */
  Type: "Offline";
  /** The store of record (typically Remote). */
  Main: StoreConfig;
  /** Where the replica and the outbox live (typically IndexedDB). */
  Local: StoreConfig;
  /** The object types replicated into Local (at least one). */
  Types: string[];
  /** Milliseconds between background syncs; 0 turns them off. @default 30000 */
  SyncInterval: number;
}

/**
 * `{"Type":"MultiTenant","stores":[{"tenantName":"acme","config":{…}}]}`: each tenant's objects in
 * a store of its own; `getStore(tenantName)` (or `forTenant`) gives it.
 */
export interface MultiTenantConfig {
  /** The store type. */
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
  | D1Config
  | RemoteConfig
  | MigratingConfig
  | CachingConfig
  | OfflineConfig
  | MultiTenantConfig;
