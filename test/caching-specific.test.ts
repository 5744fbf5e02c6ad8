// Cache behaviour with a fake monotonic clock: hits, expiry, LRU order, culling, commits that
// fail never reaching the cache, single-flight misses, disabled types, stats, config errors.
import { describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { ConfigError, createObjectStoreInstance, type ObjectStore, WrongObjectVersionError } from "../mod.ts";
import { type CachingDriver, cachingDriver } from "../src/composites/caching.ts";
import type { CacheStats } from "../src/composites/cache-index.ts";
import type { Driver } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { switchable } from "./support/switchable.ts";

/** A driver that counts Main's reads and can hold them until released. */
function observed(inner: Driver) {
  const reads: string[] = [];
  let gate: Promise<void> | undefined;
  let open = () => {};
  const driver: Driver = {
    ...inner,
    kind: inner.kind,
    async get(type, key) {
      reads.push(`${type}/${key}`);
      const wait = gate;
      gate = undefined; // holds only the next read
      const record = await inner.get(type, key);
      if (wait) await wait; // the answer arrives late
      return record;
    },
    page: (t, r) => inner.page(t, r),
    scan: (t, terms) => inner.scan(t, terms),
    types: () => inner.types(),
    commit: (w) => inner.commit(w),
    close: () => inner.close(),
  };
  return {
    driver,
    reads,
    /** Holds the next read of Main until `release()`. */
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
    },
  };
}

function setup(policy = { cache: true, maxCacheSize: 4, cullToSize: 2, timeout: 1000 }, overrides?: Record<string, { cache: boolean; maxCacheSize?: number; cullToSize?: number; timeout?: number }>) {
  let t = 0;
  const inner = memoryDriver();
  const main = observed(inner);
  const cache = memoryDriver();
  const driver: CachingDriver = cachingDriver({ main: main.driver, cache, defaultPolicy: policy, overrides, monotonicNow: () => t });
  const store = createStore(driver);
  // A second store over the same Main, bypassing the cache (another process writing).
  const direct = createStore(inner);
  return { store, direct, driver, main, cache, advance: (ms: number) => (t += ms) };
}

describe("Caching store", () => {
  test("a second get is a hit: Main is read once, and the value is a copy", async () => {
    const { store, direct, driver, main } = setup();
    await direct.save("T", "a", { n: 1 });
    const first = await store.get<{ n: number }>("T", "a");
    first!.value.n = 99;
    const second = await store.get("T", "a");
    expect(second?.value).toEqual({ n: 1 });
    expect(main.reads).toEqual(["T/a"]);
    expect(driver.stats().types.T).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  test("an entry expires timeout ms after it was cached, on the monotonic clock", async () => {
    const { store, direct, main, driver, advance } = setup();
    await direct.save("T", "a", 1);
    await store.get("T", "a");
    await direct.save("T", "a", 2, 1); // behind the cache's back
    advance(999);
    expect((await store.get("T", "a"))?.value).toBe(1);
    advance(1);
    expect((await store.get("T", "a"))?.value).toBe(2);
    expect(main.reads.length).toBe(2);
    expect(driver.stats().types.T).toMatchObject({ hits: 1, misses: 2, expirations: 1 });
  });

  test("writes through the store update the cache after the commit", async () => {
    const { store, main } = setup();
    await store.save("T", "a", 1);
    expect((await store.get("T", "a"))?.value).toBe(1);
    await store.save("T", "a", 2, 1);
    expect(await store.get("T", "a")).toMatchObject({ value: 2, version: "2" });
    await store.remove("T", "a");
    expect(await store.get("T", "a")).toBeUndefined();
    expect(main.reads).toEqual(["T/a"]); // only the read after the remove went to Main
  });

  test("LRU: hits keep an entry; above maxCacheSize the least recently used go, down to cullToSize", async () => {
    const { store, direct, driver, main } = setup({ cache: true, maxCacheSize: 4, cullToSize: 2, timeout: 1e9 });
    for (const k of ["a", "b", "c", "d", "e"]) await direct.save("T", k, k);
    for (const k of ["a", "b", "c", "d"]) await store.get("T", k); // cached: a b c d
    await store.get("T", "a"); // hit: order b c d a
    await store.get("T", "b"); // hit: order c d a b
    await store.get("T", "e"); // 5 > 4: evict c, d, a -> keeps b, e
    expect(driver.stats().types.T).toMatchObject({ evictions: 3, size: 2 });
    main.reads.length = 0;
    for (const k of ["b", "e"]) await store.get("T", k);
    expect(main.reads).toEqual([]);
    for (const k of ["a", "c", "d"]) await store.get("T", k);
    expect(main.reads).toEqual(["T/a", "T/c", "T/d"]);
  });

  test("evicted entries leave the cache store too (it does not grow past maxCacheSize)", async () => {
    const { store, direct, cache } = setup({ cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 });
    for (let i = 0; i < 50; i++) await direct.save("T", `k${i}`, i);
    for (let i = 0; i < 50; i++) await store.get("T", `k${i}`);
    const held = (await cache.page("T", { terms: [], sort: [], offset: 0, limit: 100, count: true })).total;
    expect(held).toBeLessThanOrEqual(10);
  });

  test("a rolled-back transaction never reaches the cache", async () => {
    const { store } = setup();
    await store.save("T", "a", 1);
    await expect(store.transaction(async (tx) => {
      await tx.save("T", "a", 2, 1);
      await tx.save("T", "b", 2);
      throw new Error("rollback");
    })).rejects.toThrow("rollback");
    expect((await store.get("T", "a"))?.value).toBe(1);
    expect(await store.get("T", "b")).toBeUndefined();
  });

  test("a conflicting commit never reaches the cache, and drops the touched keys", async () => {
    const { store, direct, main } = setup();
    await store.save("T", "a", 1);
    await store.get("T", "a"); // cached at version 1
    await direct.save("T", "a", 2, 1); // Main moves on behind the cache
    await expect(store.transaction(async (tx) => {
      await tx.save("T", "a", 3, 1); // staged against the cached version 1
      await tx.save("T", "x", "never");
    })).rejects.toBeInstanceOf(WrongObjectVersionError);
    main.reads.length = 0;
    expect(await store.get("T", "a")).toMatchObject({ value: 2, version: "2" }); // fresh from Main
    expect(await store.get("T", "x")).toBeUndefined();
    expect(main.reads).toEqual(["T/a", "T/x"]);
  });

  test("concurrent misses for one key make one read of Main; each caller gets its own copy", async () => {
    const { store, direct, main, driver } = setup();
    await direct.save("T", "a", { n: 1 });
    main.hold();
    const gets = Array.from({ length: 10 }, () => store.get<{ n: number }>("T", "a"));
    await new Promise((r) => setTimeout(r, 5));
    main.release();
    const results = await Promise.all(gets);
    expect(main.reads).toEqual(["T/a"]);
    results[0]!.value.n = 2;
    expect(results[1]!.value).toEqual({ n: 1 });
    expect(driver.stats().types.T).toMatchObject({ misses: 10, hits: 0 });
  });

  test("a read that started before a commit does not cache the older value", async () => {
    const s = setup();
    await s.direct.save("T", "a", 1);
    s.main.hold();
    const read = s.store.get("T", "a"); // in flight, will see version 1
    await new Promise((r) => setTimeout(r, 5));
    // A commit (as a transaction's, which read version 1 earlier) lands and caches version 2.
    const stamp = new Date().toISOString();
    await s.driver.commit([{ op: "put", type: "T", key: "a", expect: { version: "1" }, record: { key: "a", value: 2, version: "2", created: stamp, updated: stamp } }]);
    s.main.release();
    expect((await read)?.version).toBe("1");
    s.main.reads.length = 0;
    expect(await s.store.get("T", "a")).toMatchObject({ version: "2", value: 2 });
    expect(s.main.reads).toEqual([]);
  });

  test("a disabled type always reads Main and is not cached", async () => {
    const { store, direct, main, driver } = setup(undefined, { Log: { cache: false } });
    await direct.save("Log", "a", 1);
    await store.get("Log", "a");
    await store.get("Log", "a");
    expect(main.reads).toEqual(["Log/a", "Log/a"]);
    expect(driver.stats().types.Log).toBeUndefined();
  });

  test("truncate drops the type from the cache; page, scan and types go to Main", async () => {
    const { store, direct } = setup();
    await store.save("T", "a", 1);
    await store.get("T", "a");
    await store.truncate("T");
    expect(await store.get("T", "a")).toBeUndefined();
    await direct.save("T", "b", 2);
    expect(await store.types()).toEqual(["T"]);
    expect((await store.page("T")).result.map((o) => o.key)).toEqual(["b"]);
  });

  test("stats totals sum the types; stats() is on the store createObjectStoreInstance returns", async () => {
    const store = createObjectStoreInstance({
      Type: "Caching", Main: { Type: "Memory" }, Caching: { Type: "Memory" },
      DefaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000 },
    }) as ObjectStore & { stats(): CacheStats };
    await store.save("A", "a", 1);
    await store.save("B", "b", 1);
    await store.get("A", "a");
    await store.get("B", "b");
    await store.get("B", "zz");
    const stats = store.stats();
    expect(stats).toMatchObject({ hits: 2, misses: 1, evictions: 0 });
    expect(stats.types.B).toMatchObject({ hits: 1, misses: 1 });
    expect(store.kind).toBe("Caching");
    await store.close();
  });

  test("expiry uses monotonicNow from CreateOptions", async () => {
    let t = 0;
    const store = createObjectStoreInstance({
      Type: "Caching", Main: { Type: "Memory" }, Caching: { Type: "Memory" },
      DefaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 50 },
    }, { monotonicNow: () => t }) as ObjectStore & { stats(): CacheStats };
    await store.save("A", "a", 1);
    await store.get("A", "a");
    t = 50;
    await store.get("A", "a");
    expect(store.stats()).toMatchObject({ hits: 1, misses: 1, expirations: 1 });
    await store.close();
  });

  test("a restart over the same cache store serves the earlier run's entries (until timeout)", async () => {
    const main = memoryDriver();
    const cache = memoryDriver();
    const policy = { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 };
    const first = createStore(cachingDriver({ main, cache, defaultPolicy: policy }));
    await first.save("T", "a", 1);
    await first.get("T", "a");
    // "Restart": a new Caching store over the same (persistent) cache; Main changed behind it,
    // which, as with any TTL cache, stays unseen until the entry's timeout.
    await createStore(main).save("T", "a", 2, 1);
    const second = cachingDriver({ main, cache, defaultPolicy: policy });
    expect((await createStore(second).get("T", "a"))?.value).toBe(1);
    expect(second.stats().types.T).toMatchObject({ hits: 1, misses: 0, size: 1 });
  });

  test("two stores sharing one cache store: a write through one is what the other reads", async () => {
    const main = memoryDriver();
    const cache = memoryDriver();
    const policy = { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 };
    const one = cachingDriver({ main, cache, defaultPolicy: policy });
    const two = cachingDriver({ main, cache, defaultPolicy: policy });
    const storeOne = createStore(one), storeTwo = createStore(two);
    await storeOne.save("T", "a", 1); // one caches a@1
    expect((await storeTwo.get("T", "a"))?.value).toBe(1); // two starts and indexes one's record
    await storeOne.save("T", "a", 2, 1); // overwrites the cache record before the save returns
    expect((await storeTwo.get("T", "a"))?.value).toBe(2);
    await storeTwo.save("T", "a", 3, 2);
    expect((await storeOne.get("T", "a"))?.value).toBe(3);
    await storeOne.remove("T", "a");
    expect(await storeTwo.get("T", "a")).toBeUndefined();
    // Each one's record for a key another wrote is not taken for its own: misses, read from Main.
    expect(two.stats().types.T).toMatchObject({ hits: 1, misses: 2 });
    expect(one.stats().types.T).toMatchObject({ hits: 0, misses: 1 });
  });

  test("policy errors are ConfigErrors naming the path; {cache:false} alone is fine", () => {
    const bad = [
      { cache: true, maxCacheSize: 1, cullToSize: 0, timeout: 10 },
      { cache: true, maxCacheSize: 10, cullToSize: 10, timeout: 10 },
      { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 0 },
      { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 10, staleIfError: 10 },
      { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 10, staleIfError: 0 },
    ];
    for (const policy of bad) {
      expect(() => createObjectStoreInstance({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: policy } as never)).toThrow(ConfigError);
      expect(() => cachingDriver({ main: memoryDriver(), cache: memoryDriver(), defaultPolicy: policy })).toThrow(ConfigError);
    }
    const ok = createObjectStoreInstance({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: { cache: false }, ObjectTypeOverride: { T: { cache: false } } } as never);
    expect(ok.kind).toBe("Caching");
  });
});

describe("Caching store: staleIfError", () => {
  function down(staleIfError?: number) {
    let t = 0;
    const inner = memoryDriver();
    const main = switchable(inner);
    const driver = cachingDriver({ main, cache: memoryDriver(), defaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000, ...(staleIfError ? { staleIfError } : {}) }, monotonicNow: () => t });
    return { store: createStore(driver), driver, main, direct: createStore(inner), advance: (ms: number) => (t += ms) };
  }

  test("an expired entry is served while Main is unreachable, up to staleIfError ms after it was cached", async () => {
    const { store, driver, main, advance } = down(5000);
    await store.save("T", "a", { n: 1 });
    advance(1500); // expired
    main.up = false;
    expect(await store.get("T", "a")).toMatchObject({ value: { n: 1 }, version: "1" });
    advance(3000); // 4500 ms old
    expect((await store.get("T", "a"))?.value).toEqual({ n: 1 });
    expect(driver.stats()).toMatchObject({ hits: 0, misses: 2, expirations: 1 });
    advance(500); // 5000 ms old: too old
    await expectError(store.get("T", "a"), Error, "BACKEND_UNAVAILABLE");
    // A key never cached has nothing to serve.
    await expectError(store.get("T", "b"), Error, "BACKEND_UNAVAILABLE");
  });

  test("Main's answer wins once it is reachable again, and is cached anew", async () => {
    const { store, main, direct, advance } = down(5000);
    await store.save("T", "a", 1);
    await direct.save("T", "a", 2, "1"); // behind the cache
    advance(1500);
    main.up = false;
    expect((await store.get("T", "a"))?.value).toBe(1);
    main.up = true;
    expect((await store.get("T", "a"))?.value).toBe(2);
    main.up = false;
    expect((await store.get("T", "a"))?.value).toBe(2); // a fresh hit now
  });

  test("without staleIfError (the default) an expired entry is never served", async () => {
    const { store, main, advance } = down();
    await store.save("T", "a", 1);
    advance(1500);
    main.up = false;
    await expectError(store.get("T", "a"), Error, "BACKEND_UNAVAILABLE");
  });

  test("a removal through the store is not undone by staleIfError", async () => {
    const { store, main, advance } = down(5000);
    await store.save("T", "a", 1);
    await store.remove("T", "a");
    advance(1500);
    main.up = false;
    await expectError(store.get("T", "a"), Error, "BACKEND_UNAVAILABLE");
  });

  test("the config takes staleIfError in a policy (more than timeout)", async () => {
    const store = createObjectStoreInstance({
      Type: "Caching", Main: { Type: "Memory" },
      DefaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000 },
      TablePolicyOverride: { T: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000, staleIfError: 60_000 } },
    });
    expect(store.kind).toBe("Caching");
    await store.close();
  });
});

describe("Caching store: the cache writes of a commit", () => {
  /** A Memory cache driver that records every commit it is given. */
  function countingCache() {
    const inner = memoryDriver();
    const commits: string[][] = [];
    const driver: Driver = {
      ...inner,
      commit(writes) {
        commits.push(writes.map((w) => (w.op === "truncate" ? `truncate ${w.type}` : `${w.op} ${w.type}/${w.key}`)));
        return inner.commit(writes);
      },
    };
    return { driver, commits, inner };
  }

  test("a transaction's cache writes are one cache commit (each write was its own)", async () => {
    const cache = countingCache();
    const driver = cachingDriver({ main: memoryDriver(), cache: cache.driver, defaultPolicy: { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60_000 } });
    const store = createStore(driver);
    await store.save("T", "gone", 0);
    const before = cache.commits.length;
    await store.transaction(async (tx) => {
      for (let i = 0; i < 10; i++) await tx.save("T", `k${i}`, i);
      await tx.remove("T", "gone");
    });
    expect(cache.commits.slice(before)).toHaveLength(1);
    expect(cache.commits.at(-1)).toHaveLength(11);
    expect(driver.stats().types.T).toMatchObject({ size: 10 });
    await store.close();
  });

  test("a commit that culls entries it cached itself writes each key once, and the cache holds what the index says", async () => {
    const cache = countingCache();
    const driver = cachingDriver({ main: memoryDriver(), cache: cache.driver, defaultPolicy: { cache: true, maxCacheSize: 3, cullToSize: 1, timeout: 60_000 } });
    const store = createStore(driver);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 6; i++) await tx.save("T", `k${i}`, i);
    });
    const last = cache.commits.at(-1)!;
    expect(new Set(last.map((w) => w.split(" ")[1])).size).toBe(last.length);
    const size = driver.stats().types.T!.size;
    const cached: string[] = [];
    for await (const record of cache.inner.scan("T", [])) cached.push(record.key);
    expect(cached).toHaveLength(size);
    for (let i = 0; i < 6; i++) expect((await store.get("T", `k${i}`))?.value).toBe(i);
    await store.close();
  });

  test("a truncate and saves of the type in one transaction: the cache keeps the saves", async () => {
    const cache = countingCache();
    const driver = cachingDriver({ main: memoryDriver(), cache: cache.driver, defaultPolicy: { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60_000 } });
    const store = createStore(driver);
    await store.save("T", "old", 0);
    await store.transaction(async (tx) => {
      await tx.truncate("T");
      await tx.save("T", "new", 1);
    });
    expect(cache.commits.at(-1)).toEqual(["truncate T", "put T/new"]);
    const reads = driver.stats().types.T!.hits;
    expect((await store.get("T", "new"))?.value).toBe(1);
    expect(driver.stats().types.T!.hits).toBe(reads + 1);
    expect(await store.get("T", "old")).toBeUndefined();
    await store.close();
  });
});
