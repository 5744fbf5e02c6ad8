// The Caching store over a persistent cache store (a libSQL file): entries carry their
// wall-clock cache time, so a restart keeps serving them for `timeout`, and `staleIfError`
// after it; two instances sharing the cache see each other's writes (BroadcastChannel too).
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { type CachingObjectStore, createObjectStoreInstance } from "../mod.ts";
import { cachingDriver } from "../src/composites/caching.ts";
import type { CachePolicy } from "../src/config-types.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { removeTempDirs, tempDir } from "./file/runtime.ts";
import { switchable } from "./support/switchable.ts";

afterAll(removeTempDirs);

/** Main in memory (switchable), the cache in one libSQL file; each `run()` is a fresh process's store. */
function setup(policy: Partial<CachePolicy> = {}) {
  const url = `file:${join(tempDir("objstore-cache-"), "cache.db")}`;
  const main = switchable(memoryDriver());
  let wall = 1_000_000;
  const run = () => {
    let mono = 0; // a new process: its monotonic clock starts afresh
    const driver = cachingDriver({
      main: { ...main, close: async () => {} },
      cache: libsqlDriver({ client: () => createClient({ url }) }),
      defaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000, ...policy } as CachePolicy,
      monotonicNow: () => mono,
      wallNow: () => wall,
    });
    return { driver, store: createStore(driver), advance: (ms: number) => (mono += ms) };
  };
  return { main, run, direct: createStore(memoryDriver()), later: (ms: number) => (wall += ms) };
}

describe("Caching over a persistent cache store", () => {
  test("a restart serves an entry younger than timeout without asking Main", async () => {
    const { main, run, later } = setup();
    const first = run();
    await first.store.save("T", "a", { n: 1 });
    await first.store.close();
    later(400);
    const second = run();
    const calls = main.calls;
    expect(await second.store.get("T", "a")).toMatchObject({ value: { n: 1 }, version: "1" });
    expect(main.calls).toBe(calls);
    expect(second.driver.stats().types.T).toMatchObject({ hits: 1, misses: 0, size: 1 });
    // Its age counts from when it was cached: 600 ms more on this run's clock and it expired.
    second.advance(600);
    expect((await second.store.get("T", "a"))?.value).toEqual({ n: 1 });
    expect(main.calls).toBe(calls + 1);
    expect(second.driver.stats().types.T).toMatchObject({ hits: 1, misses: 1, expirations: 1 });
    await second.store.close();
  });

  test("a restart does not serve an entry older than timeout", async () => {
    const { main, run, later } = setup();
    const first = run();
    await first.store.save("T", "a", 1);
    await first.store.close();
    later(1000);
    const second = run();
    const calls = main.calls;
    expect((await second.store.get("T", "a"))?.value).toBe(1);
    expect(main.calls).toBe(calls + 1);
    expect(second.driver.stats().types.T).toMatchObject({ hits: 0, misses: 1 });
    await second.store.close();
  });

  test("after a restart, staleIfError serves an expired entry while Main is unreachable", async () => {
    const { main, run, later } = setup({ staleIfError: 5000 });
    const first = run();
    await first.store.save("T", "a", 1);
    await first.store.close();
    later(3000); // expired, within staleIfError
    main.up = false;
    const second = run();
    expect((await second.store.get("T", "a"))?.value).toBe(1);
    await second.store.close();
    later(2000); // 5000 ms old: too old, and dropped from the cache at start
    const third = run();
    await expectError(third.store.get("T", "a"), Error, "BACKEND_UNAVAILABLE");
    expect(third.driver.stats().types.T?.size ?? 0).toBe(0);
    await third.store.close();
  });

  test("entries of an earlier run are indexed in LRU order by when they were cached, and culled", async () => {
    const { main, run, later } = setup();
    const first = run();
    for (let i = 0; i < 8; i++) {
      await first.store.save("T", `k${i}`, i);
      later(10);
    }
    await first.store.close();
    const second = run(); // 8 entries, under maxCacheSize 10
    await second.store.get("T", "k0"); // k0 is now the most recently used
    await second.store.save("T", "k8", 8);
    await second.store.save("T", "k9", 9);
    await second.store.save("T", "k10", 10); // 11 > 10: culled to 5
    expect(second.driver.stats().types.T).toMatchObject({ size: 5, evictions: 6 });
    const calls = main.calls;
    for (const key of ["k0", "k8", "k9", "k10", "k7"]) await second.store.get("T", key);
    expect(main.calls).toBe(calls);
    await second.store.get("T", "k1"); // evicted
    expect(main.calls).toBe(calls + 1);
    await second.store.close();
  });

  test("two instances with a BroadcastChannel: a write through one drops the other's entry", async () => {
    // Separate Memory caches, so only the announcement can tell the other instance.
    const main = memoryDriver();
    const policy = { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 };
    const channel = `objstore-test-${crypto.randomUUID()}`;
    const a = cachingDriver({ main: { ...main, close: async () => {} }, cache: memoryDriver(), defaultPolicy: policy, channel });
    const b = cachingDriver({ main: { ...main, close: async () => {} }, cache: memoryDriver(), defaultPolicy: policy, channel });
    const storeA = createStore(a), storeB = createStore(b);
    await storeA.save("T", "k", 1);
    expect((await storeB.get("T", "k"))?.value).toBe(1); // b caches k@1
    expect((await storeB.get("T", "k"))?.value).toBe(1);
    expect(b.stats().types.T).toMatchObject({ hits: 1, misses: 1 });
    // A listener made after b's channel receives A's announcement after b has.
    const probe = new BroadcastChannel(channel);
    const heard = new Promise((resolve) => (probe.onmessage = resolve));
    await storeA.save("T", "k", 2, 1);
    await heard;
    probe.close();
    expect((await storeB.get("T", "k"))?.value).toBe(2);
    expect(b.stats().types.T).toMatchObject({ hits: 1, misses: 2 });
    await storeA.close();
    await storeB.close();
  });

  test("two instances on one cache store with a BroadcastChannel: after a write through one, the other serves it while Main is down", async () => {
    const main = switchable(memoryDriver());
    const cache = memoryDriver();
    const policy = { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 };
    const channel = `objstore-test-${crypto.randomUUID()}`;
    const shared = <T extends object>(d: T) => ({ ...d, close: async () => {} });
    const a = cachingDriver({ main: shared(main), cache: shared(cache), defaultPolicy: policy, channel });
    const b = cachingDriver({ main: shared(main), cache: shared(cache), defaultPolicy: policy, channel });
    const storeA = createStore(a), storeB = createStore(b);
    await storeA.save("T", "k", 1);
    expect((await storeB.get("T", "k"))?.value).toBe(1);
    const probe = new BroadcastChannel(channel);
    const heard = new Promise((resolve) => (probe.onmessage = resolve));
    await storeA.save("T", "k", 2, 1);
    await heard;
    probe.close();
    main.up = false;
    expect(await storeB.get("T", "k")).toMatchObject({ value: 2, version: "2" });
    await storeA.close();
    await storeB.close();
  });

  test("two stores from config on one libSQL cache file: a write through one is read by the other", async () => {
    const dir = tempDir("objstore-cache-");
    const config = {
      Type: "Caching" as const,
      Main: { Type: "LibSQL" as const, url: `file:${join(dir, "main.db")}` },
      Caching: { Type: "LibSQL" as const, url: `file:${join(dir, "cache.db")}` },
      DefaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 60_000 },
    };
    const one = createObjectStoreInstance(config, { libsqlCreateClient: createClient }) as CachingObjectStore;
    await one.save("T", "k", 1);
    await one.close();
    // A restart: the entry is served from the cache file.
    const two = createObjectStoreInstance(config, { libsqlCreateClient: createClient }) as CachingObjectStore;
    const three = createObjectStoreInstance(config, { libsqlCreateClient: createClient }) as CachingObjectStore;
    expect((await two.get("T", "k"))?.value).toBe(1);
    expect(two.stats()).toMatchObject({ hits: 1, misses: 0 });
    expect((await three.get("T", "k"))?.value).toBe(1);
    await two.save("T", "k", 2, "1");
    expect((await three.get("T", "k"))?.value).toBe(2);
    await three.close();
    await two.close();
  });
});
