/**
 * The Caching store: a read-through cache in front of `Main`, kept in any driver (`Caching`,
 * Memory by default). The cache is filled by reads and by commits, always after `Main` has
 * committed; an in-process index decides what is valid (LRU order, age on the monotonic
 * clock, which instance wrote the cache record under which sequence number). Each cache record
 * carries the wall-clock time it was cached: at start the index is rebuilt from the cache
 * store, so a persistent one keeps serving its entries for `timeout` after a restart. A write
 * overwrites or deletes the cache record itself (another instance sharing the store then sees a
 * record that is not the one it indexed) and, given a `channel`, is announced on a
 * BroadcastChannel so other instances index the writer's record instead of theirs. A policy's `staleIfError` keeps an
 * expired entry for a `get` that finds Main unreachable.
 *
 * @module
 */
import type { DriverRecord, Write } from "../driver.ts";
import { ObjectStoreError } from "../errors.ts";
import type { JsonValue } from "../types.ts";
import { untilAborted } from "../signal.ts";
import { cloneJson } from "../validate.ts";
import { type CacheChannel, type Invalidation, namedRecord, openCacheChannel } from "./cache-channel.ts";
import { cacheIndex, type IndexEntry } from "./cache-index.ts";
import { flightTable } from "./cache-flights.ts";
import { cachePolicies, type ResolvedPolicy } from "./cache-policy.ts";
import { batch, clearAll, cull, isWrapped, loadIndex, unwrapFor, type Wrapped } from "./cache-records.ts";
import type { CachingDriver, CachingOptions } from "./cache-types.ts";

export type { CachingDriver, CachingObjectStore, CachingOptions } from "./cache-types.ts";

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

  /**
   * Cache-driver writes, as one commit (truncates first, then the last write of each key); a
   * failed one only costs a later miss. Resolves when done.
   */
  const track = (writes: Write[]): Promise<void> => {
    if (writes.length === 0) return Promise.resolve();
    const p = cache.commit(batch(writes)).catch(() => {});
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

  /** Indexes a cache record of `record`, adds its cache writes to `out`; returns its announcement. */
  const remember = (type: string, record: DriverRecord, policy: ResolvedPolicy, out: Write[]): Invalidation => {
    const typeIndex = index.of(type);
    const entry: IndexEntry = { owner: instance, seq: ++seq, at: now() };
    typeIndex.entries.delete(record.key);
    typeIndex.entries.set(record.key, entry);
    const wrapped: Wrapped = { i: instance, s: entry.seq, w: wallNow(), v: record.value };
    out.push({ op: "put", type, key: record.key, expect: { any: true }, record: { ...record, value: wrapped as unknown as JsonValue } });
    for (const key of cull(typeIndex, policy)) out.push({ op: "delete", type, key, expect: { any: true } });
    return { type, key: record.key, owner: instance, seq: entry.seq, w: wrapped.w };
  };

  /** Drops an entry and the cache record (which, in a shared cache store, may be another instance's). */
  const forget = (type: string, key: string, out: Write[]) => {
    if (!policyOf(type).cache) return;
    flights.stale(type, key);
    index.of(type).entries.delete(key);
    out.push({ op: "delete", type, key, expect: { any: true } });
  };

  const forgetType = (type: string, out: Write[]) => {
    flights.staleType(type);
    index.drop(type);
    out.push({ op: "truncate", type });
  };

  /** Main's record of `key`, read once for concurrent misses, and cached unless a write came first. */
  const readThrough = (type: string, key: string, policy: ResolvedPolicy): Promise<DriverRecord | undefined> =>
    flights.read(type, key, () => main.get(type, key), (record) => {
      const out: Write[] = [];
      remember(type, record, policy, out);
      void track(out);
    });

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
        const out: Write[] = [];
        for (const w of writes) w.op === "truncate" ? forgetType(w.type, out) : forget(w.type, w.key, out);
        void track(out);
        announce(writes);
        throw e;
      }
      // The cache records are written (in one cache commit) before the commit returns, so an
      // instance sharing the cache store reads the writer's record (not the one it indexed) from then on.
      const notes: (Invalidation | undefined)[] = [];
      const out: Write[] = [];
      for (const [i, w] of writes.entries()) {
        if (w.op === "truncate") {
          forgetType(w.type, out);
          continue;
        }
        const policy = policyOf(w.type);
        if (!policy.cache) continue;
        if (w.op === "delete") {
          forget(w.type, w.key, out);
          continue;
        }
        flights.stale(w.type, w.key);
        notes[i] = remember(w.type, copies[i]!, policy, out);
      }
      const done = track(out);
      announce(writes, notes);
      await done;
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
            const out: Write[] = [];
            forget(type, key, out);
            const done = track(out);
            announce([{ op: "delete", type, key, expect: { any: true } }]);
            await done;
            throw e;
          }
          const write: Write = { op: "delete", type, key, expect: { any: true } };
          if (!copy) {
            announce([write]);
            return created;
          }
          flights.stale(type, key);
          const out: Write[] = [];
          const note = remember(type, { ...copy, created }, policy, out);
          const done = track(out);
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
