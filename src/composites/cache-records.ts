/**
 * How the Caching store keeps records in its cache driver: each value wrapped with the store
 * instance that cached it, that instance's sequence number and the wall-clock time; and the
 * index rebuilt from them at start, so a persistent cache keeps serving after a restart.
 *
 * @module
 */
import type { Driver, DriverRecord, Write } from "../driver.ts";
import type { JsonValue } from "../types.ts";
import type { CacheIndex, IndexEntry } from "./cache-index.ts";
import type { ResolvedPolicy } from "./cache-policy.ts";

/** How a record sits in the cache driver: the value wrapped with who cached it and when. */
export interface Wrapped {
  /** The id of the store instance that cached it. */
  i: string;
  /** That instance's sequence number for the entry. */
  s: number;
  /** Wall-clock milliseconds when it was cached. */
  w: number;
  v: JsonValue;
}

/**
 * Whether a cache record's value is a {@link Wrapped}.
 *
 * @example
 * ```ts
 * if (isWrapped(record.value)) console.log(record.value.w);
 * ```
 */
export function isWrapped(w: unknown): w is Wrapped {
  const x = w as Wrapped | null;
  return typeof x === "object" && x !== null && typeof x.i === "string" && typeof x.s === "number" && typeof x.w === "number" && "v" in x;
}

/**
 * The record as cached when `cached` is the cache record `entry` stands for, else undefined.
 *
 * @example
 * ```ts
 * const hit = unwrapFor(await cache.get(type, key), entry);
 * ```
 */
export function unwrapFor(cached: DriverRecord | undefined, entry: IndexEntry): DriverRecord | undefined {
  const wrapped = cached?.value as unknown as Wrapped | undefined;
  if (!cached || wrapped?.s !== entry.seq || wrapped.i !== entry.owner) return undefined;
  return { ...cached, value: wrapped.v };
}

/**
 * Drops a type's least recently used entries down to `cullToSize` once it holds more than
 * `maxCacheSize`, counting evictions; returns the keys dropped.
 *
 * @example
 * ```ts
 * for (const key of cull(index.of(type), policy)) writes.push({ op: "delete", type, key, expect: { any: true } });
 * ```
 */
export function cull({ entries, stats }: ReturnType<CacheIndex["of"]>, policy: ResolvedPolicy): string[] {
  const dropped: string[] = [];
  if (entries.size <= policy.maxCacheSize) return dropped;
  for (const key of entries.keys()) {
    if (entries.size <= policy.cullToSize) break;
    entries.delete(key);
    stats.evictions++;
    dropped.push(key);
  }
  return dropped;
}

/**
 * Rebuilds the index from the cache store: records younger than the type's timeout (or its
 * staleIfError) are entries again, oldest first in LRU order and culled as by a write; the rest
 * are deleted, and so are the types whose policy does not cache. `wall` and `mono` are now on
 * the wall clock and on the monotonic one.
 *
 * @example
 * ```ts
 * await loadIndex(cache, index, policyOf, Date.now(), performance.now());
 * ```
 */
export async function loadIndex(cache: Driver, index: CacheIndex, policyOf: (type: string) => ResolvedPolicy, wall: number, mono: number): Promise<void> {
  const truncates: Write[] = [], deletes: Write[] = [];
  for (const type of await cache.types()) {
    const policy = policyOf(type);
    if (!policy.cache) {
      truncates.push({ op: "truncate", type });
      continue;
    }
    const keep = Math.max(policy.timeout, policy.staleIfError);
    const found: { key: string; w: Wrapped }[] = [];
    for await (const record of cache.scan(type, [])) {
      const w = record.value as unknown;
      const age = isWrapped(w) ? wall - w.w : -1;
      if (age >= 0 && age < keep) found.push({ key: record.key, w: w as Wrapped });
      else deletes.push({ op: "delete", type, key: record.key, expect: { any: true } });
    }
    found.sort((a, b) => a.w.w - b.w.w);
    const { entries } = index.of(type);
    if (found.length > policy.maxCacheSize) {
      for (const { key } of found.splice(0, found.length - policy.cullToSize)) deletes.push({ op: "delete", type, key, expect: { any: true } });
    }
    for (const { key, w } of found) entries.set(key, { owner: w.i, seq: w.s, at: mono - (wall - w.w) });
  }
  if (truncates.length + deletes.length > 0) await cache.commit([...truncates, ...deletes]);
}

/**
 * Cache writes gathered from several steps as one valid commit: truncates first, then the last
 * write of each (type, key), in order (an entry evicted and cached again in one commit is put).
 *
 * @example
 * ```ts
 * await cache.commit(batch([put, evictionOfTheSameKey]));
 * ```
 */
export function batch(writes: Write[]): Write[] {
  const truncated = new Set<string>();
  const byKey = new Map<string, Write>();
  for (const w of writes) {
    if (w.op === "truncate") {
      truncated.add(w.type);
      // What was written to the type before is truncated anyway.
      for (const [id, earlier] of byKey) if (earlier.type === w.type) byKey.delete(id);
    } else {
      const id = `${w.type}\u0000${w.key}`;
      byKey.delete(id);
      byKey.set(id, w);
    }
  }
  return [...[...truncated].map((type): Write => ({ op: "truncate", type })), ...byKey.values()];
}

/**
 * Empties the cache store (what is left when its records cannot be indexed).
 *
 * @example
 * ```ts
 * await clearAll(cache);
 * ```
 */
export async function clearAll(cache: Driver): Promise<void> {
  const types = await cache.types();
  if (types.length > 0) await cache.commit(types.map((type) => ({ op: "truncate" as const, type })));
}
