/**
 * The page of test/caching-chromium.test.ts: a Caching store whose Main is a Remote store
 * (`?api=`) and whose cache is IndexedDB (`?db=`), made from config as an app would, exposed as
 * `globalThis.cacheTest`. Its clocks run `skew` ms ahead of the browser's (kept in
 * localStorage, so a reload keeps it): the test ages cache entries without waiting.
 * @module
 */
import { cacheChannelName } from "../../src/drivers/register/caching.ts";
import "../../src/drivers/register/remote.ts";
import "../../src/drivers/register/indexeddb.ts";
import { type CacheStats, type CachingObjectStore, createObjectStoreInstance, ObjectStoreError } from "../../mod.ts";


const params = new URLSearchParams(location.search);
const skew = () => Number(localStorage.getItem("skew") ?? "0");

const cacheConfig = { Type: "IndexedDB" as const, dbName: params.get("db") ?? "objstore-cache" };
const store = createObjectStoreInstance({
  Type: "Caching",
  Main: { Type: "Remote", url: params.get("api")! },
  Caching: cacheConfig,
  DefaultPolicy: { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60_000, staleIfError: 600_000 },
}, { now: () => new Date(Date.now() + skew()), monotonicNow: () => performance.now() + skew() }) as CachingObjectStore;

/** A call's result, or the code of the error it threw (errors do not cross `evaluate` well). */
type Outcome<T> = { ok: T } | { error: string };
const outcome = async <T>(fn: () => Promise<T>): Promise<Outcome<T>> => {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: e instanceof ObjectStoreError ? e.code : String(e) };
  }
};

/**
 * Announcements other tabs made on the store's channel, counted by a listener opened after the
 * store's own (the store opens its channel on first use): once it counts one, the store has
 * received it too.
 */
let heard = 0;
let probe: BroadcastChannel | undefined;
const listen = () => {
  probe ??= new BroadcastChannel(cacheChannelName(cacheConfig));
  probe.onmessage = () => void heard++;
};

const cacheTest = {
  setSkew(ms: number): void {
    localStorage.setItem("skew", String(ms));
  },
  heard: () => heard,
  get: (type: string, key: string) => outcome(async () => {
    const o = await store.get(type, key);
    listen();
    return o && { value: o.value, version: o.version };
  }),
  page: (type: string) => outcome(async () => {
    const page = await store.page(type, { sort: "key" });
    return { keys: page.result.map((o) => o.key), total: page.pagination.total };
  }),
  save: (type: string, key: string, value: unknown, version?: string) => outcome(async () => (await store.save(type, key, value as never, version)).version),
  stats: (): CacheStats => store.stats(),
};
(globalThis as { cacheTest?: typeof cacheTest }).cacheTest = cacheTest;
