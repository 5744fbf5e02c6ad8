/**
 * The public shapes of the Caching store: its options, its driver and the store with `stats()`.
 *
 * @module
 */
import type { CachePolicy } from "../config-types.ts";
import type { Driver } from "../driver.ts";
import type { ObjectStore } from "../types.ts";
import type { CacheStats } from "./cache-index.ts";

/** Options of `cachingDriver`. */
export interface CachingOptions {
  /** The store of record. */
  main: Driver;
  /** Where cached records are kept. */
  cache: Driver;
  /** The policy of every type without an override. */
  defaultPolicy: CachePolicy;
  /** Policies by object type. */
  overrides?: Record<string, CachePolicy>;
  /** Milliseconds for expiry. @default () => performance.now() */
  monotonicNow?: () => number;
  /** Wall-clock milliseconds stamped on cache records, for their age after a restart. @default () => Date.now() */
  wallNow?: () => number;
  /**
   * A BroadcastChannel name: writes are announced on it and other instances' announcements drop
   * this one's entries. Used only where the runtime has `BroadcastChannel`. @default none
   */
  channel?: string;
}

/** A Caching driver, with its counters. */
export interface CachingDriver extends Driver {
  /** Hits, misses, evictions and expirations, in total and per type. */
  stats(): CacheStats;
}

/**
 * What `createObjectStoreInstance` returns for `{"Type":"Caching",...}`: a store with `stats()`.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance(cachingConfig) as CachingObjectStore;
 * console.log(store.stats().hits);
 * ```
 */
export interface CachingObjectStore extends ObjectStore {
  /** Hits, misses, evictions and expirations, in total and per type. */
  stats(): CacheStats;
}
