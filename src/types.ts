/**
 * The public types of objstore: stored objects, pages, the store and its transactions.
 *
 * @module
 */

/** A JSON value: what a store holds. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One stored object with its version and time stamps (ISO-8601 UTC, ms precision). */
export interface StoredObject<T = JsonValue> {
  /** The object type. */
  type: string;
  /** The key within the type. */
  key: string;
  /** The stored JSON value. */
  value: T;
  /** Decimal string of a positive integer: "1" on create, +1 per save. */
  version: string;
  /** When the object was created (ISO-8601 UTC, ms). */
  created: string;
  /** When the object was last saved (ISO-8601 UTC, ms). */
  updated: string;
}

/** What a save reports: the new version and time stamps. */
export interface SaveResult {
  /** The new version: "1" on create, +1 per save. */
  version: string;
  /** When the object was created (ISO-8601 UTC, ms). */
  created: string;
  /** When the object was saved, now (ISO-8601 UTC, ms). */
  updated: string;
}

/** A version as callers pass it: `3` and `"3"` are the same; it is compared as a string. */
export type Version = string | number;

/** Parameters of {@link ObjectStore.page}. */
export interface PageParams {
  /** Index of the first result. @default 0 */
  offset?: number;
  /** Results per page, clamped to `maxPagesize`. @default 100 */
  pagesize?: number;
  /** Whitespace-separated terms; an object matches when every term occurs in its key or JSON. */
  query?: string;
  /** Comma-separated `field`, `field:asc` or `field:desc` on top-level value fields. */
  sort?: string;
  /** The `next` of a previous page: continue after it (keyset paging). */
  cursor?: string;
  /**
   * `false` skips counting the matches (`pagination.total` is then -1), so the page costs
   * O(pagesize) plus the offset walk where the backend allows. @default true
   */
  total?: boolean;
  /** Cancels the call: it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One page of objects. */
export interface Page<T = JsonValue> {
  /** `total` is the exact number of matches, or -1 on a page requested with a cursor or with `total: false`. */
  pagination: { offset: number; pagesize: number; total: number };
  /** The objects of this page, in order. */
  result: StoredObject<T>[];
  /** Present whenever more results follow: pass it as `cursor` to get them. */
  next?: string;
}

/** Options of {@link ObjectStore.remove}. */
export interface RemoveOptions {
  /** Only remove the object at this version. */
  version?: Version;
  /** A missing object is not an error. @default false */
  ignoreMissing?: boolean;
}

/** Options of {@link ObjectStore.get}. */
export interface GetOptions {
  /** Cancels the call: it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link ObjectStore.scan}. */
export interface ScanOptions {
  /** Same rules as {@link PageParams.query}. */
  query?: string;
  /** Cancels the scan: the next read rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link ObjectStore.transaction}. */
export interface TransactionOptions {
  /** Re-run the whole function up to this many times on `WrongObjectVersionError`. @default 0 */
  retries?: number;
  /**
   * Cancels the transaction: it rejects with the signal's reason and commits nothing, unless
   * its commit had already started (a commit under way is never abandoned, so its outcome is
   * always known). The transaction's reads use it too.
   */
  signal?: AbortSignal;
}

/**
 * The new value of an object, computed from the current one (`undefined` when missing). `T` is
 * the caller's type for the value (not checked at run time).
 */
export type UpdateFn<T = JsonValue> = (current: T | undefined) => T | Promise<T>;

/**
 * A namespaced one-to-one map between strings A and B (the original's DoubleStringIndex).
 * Saving (A, B) replaces both A's and B's earlier pairs in one commit. Strings may be empty and
 * hold any text of at most 1,023 UTF-8 bytes without control characters.
 *
 * @example
 * ```ts
 * const emails = store.doubleStringIndex("Email");
 * await emails.save("ann@example.com", "user-1");
 * await emails.getByB("user-1"); // "ann@example.com"
 * ```
 */
export interface DoubleStringIndex {
  /** Maps `a` to `b` (and `b` to `a`), removing any earlier pair of either. */
  save(a: string, b: string): Promise<void>;
  /** The B of `a`, or `undefined`. */
  getByA(a: string): Promise<string | undefined>;
  /** The A of `b`, or `undefined`. */
  getByB(b: string): Promise<string | undefined>;
  /** Removes the pair of `a` (nothing when there is none). */
  removeByA(a: string): Promise<void>;
  /** Removes the pair of `b` (nothing when there is none). */
  removeByB(b: string): Promise<void>;
  /** Removes every pair of this namespace. */
  truncate(): Promise<void>;
}

/** Reads and writes that are staged and committed atomically. Reads see the staged writes. */
export interface Transaction {
  /** The object as this transaction sees it (its own writes included), or `undefined`. */
  get<T = JsonValue>(type: string, key: string, options?: GetOptions): Promise<StoredObject<T> | undefined>;
  /** One page of a type as this transaction sees it. */
  page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>>;
  /** Every object of a type as this transaction sees it, in key order. */
  scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>>;
  /** The object types that hold at least one object, as this transaction sees them. */
  types(): Promise<string[]>;
  /** Stages a create (no version) or a replace (current version); checked now, committed with the transaction. */
  save<T = JsonValue>(type: string, key: string, value: T, version?: Version): Promise<SaveResult>;
  /** Stages `fn(current)`, conditional on the version read. */
  update<T = JsonValue>(type: string, key: string, fn: UpdateFn<T>, version?: Version): Promise<SaveResult>;
  /** Stages the removal of one object. */
  remove(type: string, key: string, options?: RemoveOptions): Promise<void>;
  /** Stages the removal of every object of a type. */
  truncate(type: string): Promise<void>;
  /** The DoubleStringIndex `namespace` (an object-type name), inside this transaction. */
  doubleStringIndex(namespace: string): DoubleStringIndex;
}

/** A store of versioned JSON objects grouped by object type and key. */
export interface ObjectStore {
  /** "Memory" | "LibSQL" | "SimpleFileStore" | "DynamoDB" | "IndexedDB" | "Remote" | "Caching" | "Migrating" | "Offline" */
  readonly kind: string;
  /** The object, or `undefined` when there is none. */
  get<T = JsonValue>(type: string, key: string, options?: GetOptions): Promise<StoredObject<T> | undefined>;
  /** One page of a type's objects, filtered, sorted and counted. */
  page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>>;
  /** Every object of a type in key order, streamed. */
  scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>>;
  /** The object types that hold at least one object, sorted. */
  types(): Promise<string[]>;
  /** Runs `fn` and commits its writes atomically; nothing is written if it throws. */
  transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R>;
  /**
   * Creates (no version) or replaces (current version) one object. `value` may be typed with the
   * caller's own interface; it must hold JSON only (checked at run time: `INVALID_VALUE`).
   */
  save<T = JsonValue>(type: string, key: string, value: T, version?: Version): Promise<SaveResult>;
  /** Stores `fn(current)`, conditional on the version read. */
  update<T = JsonValue>(type: string, key: string, fn: UpdateFn<T>, version?: Version): Promise<SaveResult>;
  /** Removes one object. */
  remove(type: string, key: string, options?: RemoveOptions): Promise<void>;
  /** Removes every object of a type. */
  truncate(type: string): Promise<void>;
  /** Releases the backend; later calls reject with code `CLOSED`. Idempotent. */
  close(): Promise<void>;
  /**
   * The store of tenant `name` on the same backend: its types are its own, and it never sees,
   * lists, counts or changes another tenant's objects or this store's. Tenant names follow the
   * object-type rules. Closing it leaves this store open; closing this store closes it.
   */
  forTenant(name: string): ObjectStore;
  /** The DoubleStringIndex `namespace` (an object-type name); each call is its own transaction. */
  doubleStringIndex(namespace: string): DoubleStringIndex;
}
