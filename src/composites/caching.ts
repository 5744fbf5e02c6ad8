/**
 * The Caching store: a read-through cache in front of `Main`, kept in any driver (`Caching`,
 * Memory by default). The cache is filled by reads and by commits, always after `Main` has
 * committed; an in-process index decides what is valid (LRU order, age on the monotonic
 * clock, which instance wrote the cache record under which sequence number). Each cache record
 * carries the wall-clock time it was cached: at start the index is rebuilt from the cache
 * store, so a persistent one keeps serving its entries for `timeout` after a restart. A write
 * overwrites or deletes the cache record itself (another instance sharing the store then sees a
 * record that is not the one it indexed) and, given a `channel`, is announced on a
 * BroadcastChannel so other instances drop their entry. A policy's `staleIfError` keeps an
 * expired entry for a `get` that finds Main unreachable.
 *
 * @module
 */
import type { CachePolicy } from "../config-types.ts";
import type { Driver, DriverRecord, Write } from "../driver.ts";
import { ObjectStoreError } from "../errors.ts";
import type { JsonValue, ObjectStore } from "../types.ts";
import { untilAborted } from "../signal.ts";
import { cloneJson } from "../validate.ts";
import { type CacheChannel, type Invalidation, namedRecord, openCacheChannel } from "./cache-channel.ts";
import { type CacheStats, cacheIndex, type IndexEntry } from "./cache-index.ts";
import { flightTable } from "./cache-flights.ts";
import { cachePolicies, type ResolvedPolicy } from "./cache-policy.ts";
import { clearAll, cull, isWrapped, loadIndex, unwrapFor, type Wrapped } from "./cache-records.ts";

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
  const wallNow = options.wallNow ?? (() => Date.now());
  const index = cacheIndex();
  const flights = flightTable();
  const background = new Set<Promise<unknown>>();
  let seq = 0;
  const instance = crypto.randomUUID();
  let channel: CacheChannel | undefined;
  // Entries left by an earlier run (a persistent cache) are indexed first, by their wall-clock age.
  let ready: Promise<void> | undefined;
  let started = false;
  const start = () =>
    (ready ??= loadIndex(cache, index, policyOf, wallNow(), now()).catch(() => clearAll(cache).catch(() => {})).then(() => {
      started = true;
      if (options.channel) channel = openCacheChannel(options.channel, onAnnouncement);
    }));

  /** Cache-driver writes; a failed one only costs a later miss. Resolves when done. */
  const track = (writes: Write[]): Promise<void> => {
    const p = cache.commit(writes).catch(() => {});
    background.add(p);
    p.finally(() => background.delete(p));
    return p;
  };

  const onAnnouncement = (m: Invalidation) => {
    if (!policyOf(m.type).cache) return;
    if (typeof m.key === "string") {
      dropOwn(m.type, m.key);
      const named = namedRecord(m);
      if (named) adopt(m.type, m.key, named.owner, named.seq, named.w);
    } else {
      flights.staleType(m.type);
      index.drop(m.type);
    }
  };

  /** Tells other instances what `writes` changed; `notes` (by index) name the cache records written. */
  const announce = (writes: Write[], notes: (Invalidation | undefined)[] = []) => {
    if (!channel) return;
    for (const [i, w] of writes.entries()) {
      if (policyOf(w.type).cache) channel.post(notes[i] ?? (w.op === "truncate" ? { type: w.type } : { type: w.type, key: w.key }));
    }
  };

  /**
   * Indexes the cache record another instance announced (it wrote it to the shared cache store
   * after its commit), so this one serves the new value, even with Main unreachable. A cache
   * store that is not shared never holds that record: the `get` then misses, as before.
   */
  const adopt = (type: string, key: string, owner: string, recordSeq: number, w: number) => {
    const policy = policyOf(type);
    const age = Math.max(0, wallNow() - w);
    if (age >= Math.max(policy.timeout, policy.staleIfError)) return;
    const typeIndex = index.of(type);
    typeIndex.entries.set(key, { owner, seq: recordSeq, at: now() - age });
    // Over the size: only the entries go (the records may be other instances').
    cull(typeIndex, policy);
  };

  /**
   * Another instance wrote `key`: drop the entry, and delete the cache record if it is still the
   * one this instance wrote (it may hold a value read from Main before that write). The writer's
   * own record, a different version, is left alone.
   */
  const dropOwn = (type: string, key: string) => {
    flights.stale(type, key);
    const { entries } = index.of(type);
    const entry = entries.get(key);
    entries.delete(key);
    if (entry?.owner !== instance) return;
    const p = cache.get(type, key).then((cached) => {
      const w = cached?.value as unknown;
      if (cached && isWrapped(w) && w.i === instance && w.s === entry.seq) {
        return cache.commit([{ op: "delete", type, key, expect: { version: cached.version } }]);
      }
    }).catch(() => {});
    background.add(p);
    p.finally(() => background.delete(p));
  };

  /** Indexes and writes a cache record of `record`; returns the write and its announcement. */
  const remember = (type: string, record: DriverRecord, policy: ResolvedPolicy): { done: Promise<void>; note: Invalidation } => {
    const typeIndex = index.of(type);
    const entry: IndexEntry = { owner: instance, seq: ++seq, at: now() };
    typeIndex.entries.delete(record.key);
    typeIndex.entries.set(record.key, entry);
    const wrapped: Wrapped = { i: instance, s: entry.seq, w: wallNow(), v: record.value };
    const writes: Write[] = [{ op: "put", type, key: record.key, expect: { any: true }, record: { ...record, value: wrapped as unknown as JsonValue } }];
    for (const key of cull(typeIndex, policy)) writes.push({ op: "delete", type, key, expect: { any: true } });
    return { done: track(writes), note: { type, key: record.key, owner: instance, seq: entry.seq, w: wrapped.w } };
  };

  /** Drops an entry and the cache record (which, in a shared cache store, may be another instance's). */
  const forget = (type: string, key: string): Promise<void> | undefined => {
    if (!policyOf(type).cache) return;
    flights.stale(type, key);
    index.of(type).entries.delete(key);
    return track([{ op: "delete", type, key, expect: { any: true } }]);
  };

  const forgetType = (type: string): Promise<void> => {
    flights.staleType(type);
    index.drop(type);
    return track([{ op: "truncate", type }]);
  };

  /** Main's record of `key`, read once for concurrent misses, and cached unless a write came first. */
  const readThrough = (type: string, key: string, policy: ResolvedPolicy): Promise<DriverRecord | undefined> =>
    flights.read(type, key, () => main.get(type, key), (record) => void remember(type, record, policy).done);

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
          const hit = unwrapFor(await cache.get(type, key, options), entry);
          if (hit && entries.get(key) === entry) {
            entries.delete(key);
            entries.set(key, entry);
            stats.hits++;
            return hit;
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
        const served = unwrapFor(await cache.get(type, key).catch(() => undefined), stale);
        if (!served || entries.get(key) !== stale) throw e;
        return served;
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
        announce(writes);
        throw e;
      }
      // The cache records are written before the commit returns, so an instance sharing the
      // cache store reads the writer's record (not the one it indexed) from then on.
      const notes: (Invalidation | undefined)[] = [];
      const done = writes.map((w, i) => {
        if (w.op === "truncate") return forgetType(w.type);
        const policy = policyOf(w.type);
        if (!policy.cache) return;
        if (w.op === "delete") return forget(w.type, w.key);
        flights.stale(w.type, w.key);
        const { done, note } = remember(w.type, copies[i]!, policy);
        notes[i] = note;
        return done;
      });
      announce(writes, notes);
      await Promise.all(done);
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
            await forget(type, key);
            announce([{ op: "delete", type, key, expect: { any: true } }]);
            throw e;
          }
          const write: Write = { op: "delete", type, key, expect: { any: true } };
          if (!copy) {
            announce([write]);
            return created;
          }
          flights.stale(type, key);
          const { done, note } = remember(type, { ...copy, created }, policy);
          announce([write], [note]);
          await done;
          return created;
        },
      }
      : {}),

    async close() {
      channel?.close();
      channel = undefined;
      await Promise.all(background);
      const results = await Promise.allSettled([main.close(), cache.close()]);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },

    stats: () => index.stats(),
  };
}
