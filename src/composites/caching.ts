/**
 * The Caching store: a read-through cache in front of `Main`, kept in any driver (`Caching`,
 * Memory by default). The cache is filled by reads and by commits, always after `Main` has
 * committed; an in-process index decides what is valid (LRU order, age on the monotonic
 * clock, a sequence number per entry), so entries written by another process or an earlier
 * run of this one are never served. A policy's `staleIfError` keeps an expired entry for a `get`
 * that finds Main unreachable.
 *
 * @module
 */
import type { CachePolicy } from "../config-types.ts";
import type { Driver, DriverRecord, Write } from "../driver.ts";
import { ObjectStoreError } from "../errors.ts";
import type { JsonValue, ObjectStore } from "../types.ts";
import { untilAborted } from "../signal.ts";
import { cloneJson } from "../validate.ts";
import { type CacheStats, cacheIndex, type IndexEntry } from "./cache-index.ts";
import { cachePolicies, type ResolvedPolicy } from "./cache-policy.ts";

/** Options of {@link cachingDriver}. */
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

/** How a record sits in the cache driver: the value wrapped with the entry's sequence number. */
interface Wrapped {
  /** This store instance's id: another instance (process) sharing the cache store never matches. */
  i: string;
  s: number;
  v: JsonValue;
}

interface Flight {
  promise: Promise<DriverRecord | undefined>;
  stale: boolean;
}

/**
 * A read-through cache over `main`.
 *
 * @example
 * ```ts
 * const driver = cachingDriver({ main: memoryDriver(), cache: memoryDriver(),
 *   defaultPolicy: { cache: true, maxCacheSize: 1000, cullToSize: 800, timeout: 60_000 } });
 * const store = createStore(driver);
 * ```
 */
export function cachingDriver(options: CachingOptions): CachingDriver {
  const { main, cache } = options;
  const policyOf = cachePolicies(options.defaultPolicy, options.overrides);
  const now = options.monotonicNow ?? (() => performance.now());
  const index = cacheIndex();
  const flights = new Map<string, Map<string, Flight>>();
  const background = new Set<Promise<unknown>>();
  let seq = 0;
  const instance = crypto.randomUUID();
  // Entries left by an earlier run (a persistent cache) have an unknown age: drop them first.
  let ready: Promise<void> | undefined;
  let started = false;
  const start = () => (ready ??= clearAll(cache).catch(() => {}).then(() => void (started = true)));

  /** Cache-driver writes run in the background; a failed one only costs a later miss. */
  const track = (writes: Write[]) => {
    const p = cache.commit(writes).catch(() => {});
    background.add(p);
    p.finally(() => background.delete(p));
  };

  const flightsOf = (type: string) => {
    let map = flights.get(type);
    if (!map) flights.set(type, map = new Map());
    return map;
  };

  const staleFlight = (type: string, key: string) => {
    const map = flights.get(type);
    const flight = map?.get(key);
    if (flight) flight.stale = true, map!.delete(key);
  };

  const remember = (type: string, record: DriverRecord, policy: ResolvedPolicy) => {
    const { entries, stats } = index.of(type);
    const entry: IndexEntry = { seq: ++seq, at: now() };
    entries.delete(record.key);
    entries.set(record.key, entry);
    const wrapped: Wrapped = { i: instance, s: entry.seq, v: record.value };
    const writes: Write[] = [{ op: "put", type, key: record.key, expect: { any: true }, record: { ...record, value: wrapped as unknown as JsonValue } }];
    if (entries.size > policy.maxCacheSize) {
      for (const key of entries.keys()) {
        if (entries.size <= policy.cullToSize) break;
        entries.delete(key);
        stats.evictions++;
        writes.push({ op: "delete", type, key, expect: { any: true } });
      }
    }
    track(writes);
  };

  const forget = (type: string, key: string) => {
    if (!policyOf(type).cache) return;
    staleFlight(type, key);
    if (index.of(type).entries.delete(key)) track([{ op: "delete", type, key, expect: { any: true } }]);
  };

  const forgetType = (type: string) => {
    for (const flight of flights.get(type)?.values() ?? []) flight.stale = true;
    flights.delete(type);
    index.drop(type);
    track([{ op: "truncate", type }]);
  };

  const readThrough = (type: string, key: string, policy: ResolvedPolicy): Promise<DriverRecord | undefined> => {
    const map = flightsOf(type);
    let flight = map.get(key);
    if (!flight) {
      const f: Flight = { stale: false, promise: Promise.resolve(undefined) };
      f.promise = (async () => {
        try {
          const record = await main.get(type, key);
          if (record && !f.stale) remember(type, record, policy);
          return record;
        } finally {
          if (map.get(key) === f) map.delete(key);
        }
      })();
      map.set(key, flight = f);
    }
    return flight.promise;
  };

  return {
    kind: "Caching",

    async get(type, key, options) {
      const policy = policyOf(type);
      if (!policy.cache) return main.get(type, key, options);
      if (!started) await start();
      const { entries, stats } = index.of(type);
      const entry = entries.get(key);
      /** An expired entry kept for `staleIfError`: served only if Main cannot be reached. */
      let stale: IndexEntry | undefined;
      if (entry) {
        const age = now() - entry.at;
        if (age < policy.timeout) {
          const cached = await cache.get(type, key, options);
          const wrapped = cached?.value as unknown as Wrapped | undefined;
          if (cached && wrapped?.s === entry.seq && wrapped.i === instance && entries.get(key) === entry) {
            entries.delete(key);
            entries.set(key, entry);
            stats.hits++;
            return { ...cached, value: wrapped.v };
          }
        } else {
          if (!entry.expired) stats.expirations++;
          entry.expired = true;
          if (age < policy.staleIfError) stale = entry;
          else entries.delete(key);
        }
      }
      stats.misses++;
      try {
        // The read of Main is shared by concurrent misses, so one caller's signal only stops its own wait.
        const record = await untilAborted(readThrough(type, key, policy), options?.signal);
        return record && { ...record, value: cloneJson(record.value) };
      } catch (e) {
        if (!stale || !(e instanceof ObjectStoreError && e.code === "BACKEND_UNAVAILABLE")) throw e;
        // Main is unreachable: the expired entry, if it is still this one and young enough.
        if (entries.get(key) !== stale || now() - stale.at >= policy.staleIfError) throw e;
        const cached = await cache.get(type, key).catch(() => undefined);
        const wrapped = cached?.value as unknown as Wrapped | undefined;
        if (!cached || wrapped?.s !== stale.seq || wrapped.i !== instance || entries.get(key) !== stale) throw e;
        return { ...cached, value: wrapped.v };
      }
    },

    page: (type, request, options) => main.page(type, request, options),
    scan: (type, terms, options) => main.scan(type, terms, options),
    types: (options) => main.types(options),

    async commit(writes) {
      if (!started) await start();
      // Copies for the cache, made before Main owns the records.
      const copies = writes.map((w) => (w.op === "put" && policyOf(w.type).cache ? { ...w.record, value: cloneJson(w.record.value) } : undefined));
      try {
        await main.commit(writes);
      } catch (e) {
        // Nothing (or, after an unknown failure, maybe everything) was written: drop what it touched.
        for (const w of writes) w.op === "truncate" ? forgetType(w.type) : forget(w.type, w.key);
        throw e;
      }
      writes.forEach((w, i) => {
        if (w.op === "truncate") return forgetType(w.type);
        const policy = policyOf(w.type);
        if (!policy.cache) return;
        if (w.op === "delete") return forget(w.type, w.key);
        staleFlight(w.type, w.key);
        remember(w.type, copies[i]!, policy);
      });
    },

    // Main's one-step versioned replace, when it has one; the cache follows as after a commit.
    ...(main.replace
      ? {
        async replace(type: string, key: string, version: string, record: Omit<DriverRecord, "created">) {
          if (!started) await start();
          const policy = policyOf(type);
          const copy = policy.cache ? { ...record, value: cloneJson(record.value) } : undefined;
          let created: string;
          try {
            created = await main.replace!(type, key, version, record);
          } catch (e) {
            forget(type, key);
            throw e;
          }
          if (copy) {
            staleFlight(type, key);
            remember(type, { ...copy, created }, policy);
          }
          return created;
        },
      }
      : {}),

    async close() {
      await Promise.all(background);
      const results = await Promise.allSettled([main.close(), cache.close()]);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },

    stats: () => index.stats(),
  };
}

async function clearAll(cache: Driver): Promise<void> {
  const types = await cache.types();
  if (types.length > 0) await cache.commit(types.map((type) => ({ op: "truncate" as const, type })));
}
