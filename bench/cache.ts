/**
 * The Caching store's hit path against a raw `Map` lookup and `lru-cache` (the LRU everyone
 * uses), on 1,000 cached objects of ~100 bytes with random keys. Run from the repository root:
 *
 *   .tools/node_modules/.bin/bun bench/cache.ts
 *   node --import tsx bench/cache.ts
 *
 * Rows: `Map.get` (no copy: the floor), `Map.get` + `structuredClone` and + a JSON copy (what a
 * store that hands out copies must at least do), `lru-cache` get (no copy), the Caching driver's
 * `get` (index check, LRU touch, cache-driver read with copy), and `store.get` on a Caching store
 * (adds validation and the store layer). Each row is the best of 7 runs of 100,000 calls (the
 * shared machine is noisy); prints ns/op and the ratios to Map.get and lru-cache.
 *
 * Then what Caching adds to a commit, now that a commit returns only once the cache records are
 * written: a versioned save (replace) of one object of 100 on Main (Memory) alone, through
 * Caching with a Memory cache, and through Caching with a libSQL file cache (WAL, as a config
 * makes it), with a libSQL file Main alone for scale; and a transaction of 10 such saves. The sides run interleaved (bench/support.ts
 * `measure`, median of OBJSTORE_BENCH_ROUNDS rounds); prints µs per commit and the ratio to Main
 * alone, with the load average.
 */
import { createClient } from "@libsql/client";
import { LRUCache } from "lru-cache";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cachingDriver } from "../src/composites/caching.ts";
import type { DriverRecord } from "../src/driver.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import type { ObjectStore } from "../src/types.ts";
import { formatMs, measure, runtimeName } from "./support.ts";

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `key-${i}`);
const value = (i: number) => ({ name: `Person ${i}`, age: i % 90, tags: ["a", "b"], address: { city: "Oslo", zip: String(1000 + i) } });
const policy = { cache: true, maxCacheSize: 10_000, cullToSize: 5_000, timeout: 3_600_000 };

const driver = cachingDriver({ main: memoryDriver(), cache: memoryDriver(), defaultPolicy: policy });
const store = createStore(driver);
for (let i = 0; i < N; i++) await store.save("Person", keys[i]!, value(i));
for (const key of keys) await store.get("Person", key); // all cached now (saves already cached them)

const map = new Map<string, DriverRecord>();
const lru = new LRUCache<string, DriverRecord>({ max: 10_000 });
const stamp = new Date().toISOString();
for (let i = 0; i < N; i++) {
  const record = { key: keys[i]!, value: value(i), version: "1", created: stamp, updated: stamp };
  map.set(keys[i]!, record);
  lru.set(keys[i]!, record);
}
let i = 0;
const nextKey = () => keys[(i = (i * 7 + 13) % N)]!;

/** Best of 7 runs of `OPS` calls, in ns per call (best-of filters the shared machine's noise). */
const OPS = 100_000;
let sink: unknown;
function timeSync(fn: () => unknown): number {
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let n = 0; n < OPS; n++) sink = fn();
    best = Math.min(best, ((performance.now() - t) / OPS) * 1e6);
  }
  return best;
}
async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let n = 0; n < OPS; n++) sink = await fn();
    best = Math.min(best, ((performance.now() - t) / OPS) * 1e6);
  }
  return best;
}

const rows: [string, number][] = [
  ["Map.get", timeSync(() => map.get(nextKey()))],
  ["Map.get + JSON copy", timeSync(() => JSON.parse(JSON.stringify(map.get(nextKey()))))],
  ["Map.get + structuredClone", timeSync(() => structuredClone(map.get(nextKey())))],
  ["lru-cache get", timeSync(() => lru.get(nextKey()))],
  ["await Map.get + JSON copy", await timeAsync(async () => JSON.parse(JSON.stringify(map.get(nextKey()))))],
  ["Caching driver get (hit)", await timeAsync(() => driver.get("Person", nextKey()))],
  ["Caching store.get (hit)", await timeAsync(() => store.get("Person", nextKey()))],
];
void sink;
const mapNs = rows[0]![1], lruNs = rows[3]![1];
console.log("| path | ns/op | × Map.get | × lru-cache |\n|---|---|---|---|");
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(0)} | ${(ns / mapNs).toFixed(1)} | ${(ns / lruNs).toFixed(1)} |`);
console.log(`\nstats: ${JSON.stringify(driver.stats().types.Person)}`);

// What Caching adds to a commit.
const dir = mkdtempSync(join(tmpdir(), "objstore-bench-cache-"));
const WRITE_KEYS = 100;
const sides: Record<string, ObjectStore> = {
  "Main alone (Memory)": createStore(memoryDriver()),
  "Caching, Memory cache": createStore(cachingDriver({ main: memoryDriver(), cache: memoryDriver(), defaultPolicy: policy })),
  "Main alone (libSQL file)": createStore(libsqlDriver({ client: () => createClient({ url: `file:${join(dir, "main.db")}` }), wal: true })),
  "Caching, libSQL file cache": createStore(cachingDriver({
    main: memoryDriver(),
    cache: libsqlDriver({ client: () => createClient({ url: `file:${join(dir, "cache.db")}` }), wal: true }),
    defaultPolicy: policy,
  })),
};
/** Each side's current version per key, so every save is a versioned replace. */
const versions = new Map<ObjectStore, string[]>();
for (const s of Object.values(sides)) {
  const v: string[] = [];
  for (let k = 0; k < WRITE_KEYS; k++) v.push((await s.save("Person", keys[k]!, value(k))).version);
  versions.set(s, v);
}
const saveOne = (s: ObjectStore) => {
  let k = 0;
  return async () => {
    const v = versions.get(s)!;
    k = (k + 1) % WRITE_KEYS;
    v[k] = (await s.save("Person", keys[k]!, value(k), v[k])).version;
  };
};
const saveTen = (s: ObjectStore) => {
  let k = 0;
  return () =>
    s.transaction(async (tx) => {
      const v = versions.get(s)!;
      const touched: number[] = [];
      for (let n = 0; n < 10; n++) {
        k = (k + 1) % WRITE_KEYS;
        await tx.save("Person", keys[k]!, value(k), v[k]);
        touched.push(k);
      }
      return touched;
    }).then((touched) => {
      const v = versions.get(s)!;
      for (const t of touched) v[t] = String(Number(v[t]) + 1);
    });
};
const load = loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`\n${runtimeName()}, load average before: ${load}\n`);
console.log(`| commit | ${Object.keys(sides).join(" | ")} |\n|---|${Object.keys(sides).map(() => "---:|").join("")}`);
for (const [name, make] of [["save (replace) of 1 object", saveOne], ["transaction of 10 saves", saveTen]] as const) {
  const t = await measure(Object.fromEntries(Object.entries(sides).map(([side, s]) => [side, make(s)])));
  const base = t["Main alone (Memory)"]!;
  console.log(`| ${name} | ${Object.keys(sides).map((side) => `${formatMs(t[side]!)}${side.startsWith("Main alone") ? "" : ` (${(t[side]! / base).toFixed(1)}×)`}`).join(" | ")} |`);
}
console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const s of Object.values(sides)) await s.close();
rmSync(dir, { recursive: true, force: true });
