/**
 * The Caching store's in-process index: per type, which keys are cached, since when (on the
 * monotonic clock) and under which sequence number, in least-recently-used order; plus the
 * counters of `stats()`.
 *
 * @module
 */

/**
 * An index entry: which cache record it stands for (the writing instance's id and its sequence
 * number) and when it was cached, on the monotonic clock.
 */
export interface IndexEntry {
  /** The id of the store instance that wrote the cache record (this one, or an earlier run). */
  owner: string;
  seq: number;
  at: number;
  /** Seen past its timeout (counted once in `expirations`), kept for `staleIfError`. */
  expired?: boolean;
}

/** Counters of one type. */
export interface TypeCacheStats {
  /** Reads served from the cache. */
  hits: number;
  /** Reads that went to the main store. */
  misses: number;
  /** Entries evicted because the type grew above `maxCacheSize`. */
  evictions: number;
  /** Entries found older than `timeout`. */
  expirations: number;
  /** Entries cached now. */
  size: number;
}

/** What the Caching store's `stats()` returns: totals and per-type counters. */
export interface CacheStats {
  /** Reads served from the cache, all types. */
  hits: number;
  /** Reads that went to the main store, all types. */
  misses: number;
  /** Entries evicted to keep a type under its maxCacheSize. */
  evictions: number;
  /** Entries dropped because their timeout passed. */
  expirations: number;
  /** The same counters per object type. */
  types: Record<string, TypeCacheStats>;
}

/** One type's index: a Map keeps insertion order, so re-inserting on a hit makes it an LRU list. */
export interface TypeIndex {
  entries: Map<string, IndexEntry>;
  stats: Omit<TypeCacheStats, "size">;
}

/** The index of every type: one {@link TypeIndex} each, and the counters. */
export interface CacheIndex {
  of(type: string): TypeIndex;
  drop(type: string): void;
  stats(): CacheStats;
}

/**
 * The index of every type.
 *
 * @example
 * ```ts
 * const index = cacheIndex();
 * index.of("Person").entries.set("ann", { owner: "run-1", seq: 1, at: 0 });
 * ```
 */
export function cacheIndex(): CacheIndex {
  const types = new Map<string, TypeIndex>();
  const counters = new Map<string, TypeIndex["stats"]>();
  return {
    of(type) {
      let index = types.get(type);
      if (!index) {
        let stats = counters.get(type);
        if (!stats) counters.set(type, stats = { hits: 0, misses: 0, evictions: 0, expirations: 0 });
        types.set(type, index = { entries: new Map(), stats });
      }
      return index;
    },
    drop(type) {
      types.delete(type);
    },
    stats() {
      const result: CacheStats = { hits: 0, misses: 0, evictions: 0, expirations: 0, types: {} };
      for (const [type, s] of counters) {
        result.types[type] = { ...s, size: types.get(type)?.entries.size ?? 0 };
        result.hits += s.hits;
        result.misses += s.misses;
        result.evictions += s.evictions;
        result.expirations += s.expirations;
      }
      return result;
    },
  };
}
