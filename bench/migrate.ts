/**
 * Migration job throughput and memory. Every case runs in its own child process (so peak RSS
 * is the case's own); run from the repository root:
 *
 *   .tools/node_modules/.bin/bun bench/migrate.ts            # the table for BENCHMARKS.md
 *   .tools/node_modules/.bin/bun bench/migrate.ts case <name> <objects>   # one case, as JSON
 *
 * Cases (objects of ~120 bytes in 4 types, batch 500):
 * - `synthetic→sink`: From generates records on demand and To discards them, so all the memory
 *   measured is the job's own: this is the "memory does not grow with the data" check
 *   (10,000 vs 100,000 objects).
 * - `synthetic→libsql`: the same From into a libSQL file (native client).
 * - `memory→libsql` and `memory→file`: From is a Memory store filled first (its data counts in
 *   RSS), To a libSQL file or a SimpleFileStore folder: objects/s of a real copy.
 * Peak heap is sampled after every batch; peak RSS is `process.resourceUsage().maxRSS`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createObjectStoreInstance } from "../adapters/node.ts";
import type { Driver, DriverRecord, PageRequest, Write } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { migrate } from "../src/migrate/mod.ts";
import type { ObjectStore } from "../src/types.ts";

declare const Bun: { version: string } | undefined;
const TYPES = ["Account", "Event", "Order", "Person"];
const stamp = "2024-01-01T00:00:00.000Z";
const keyOf = (i: number) => `key-${String(i).padStart(7, "0")}`;
const recordOf = (i: number): DriverRecord => ({
  key: keyOf(i),
  value: { i, name: `Object number ${i}`, tags: ["migrate", "bench"], nested: { a: i % 7, b: "x".repeat(20) } },
  version: "1", created: stamp, updated: stamp,
});

/** A read-only From of `n` objects that exist only when asked for (constant memory). */
function syntheticDriver(n: number): Driver {
  const perType = Math.ceil(n / TYPES.length);
  const count = (type: string) => Math.max(0, Math.min(perType, n - TYPES.indexOf(type) * perType));
  const indexOf = (key: string) => Number(key.slice(4));
  return {
    kind: "Synthetic",
    async get(type, key) {
      const i = indexOf(key);
      return Number.isInteger(i) && i >= 0 && i < count(type) ? recordOf(i) : undefined;
    },
    async page(type: string, r: PageRequest) {
      const total = count(type);
      // Keys are key-0000000 … in code-point order, so `after` is an index.
      const start = (r.after ? indexOf(r.after.key) + 1 : 0) + r.offset;
      const items: DriverRecord[] = [];
      for (let i = start; i < Math.min(total, start + r.limit); i++) items.push(recordOf(i));
      return { items, total: r.count ? total : -1 };
    },
    async *scan() {},
    async types() {
      return TYPES.filter((t) => count(t) > 0);
    },
    async commit() {
      throw new Error("read-only");
    },
    async close() {},
  };
}

/** A To that keeps nothing. */
function sinkDriver(): Driver & { written: number } {
  const sink = {
    kind: "Sink", written: 0,
    get: async () => undefined,
    page: async () => ({ items: [], total: 0 }),
    async *scan() {},
    types: async () => [],
    async commit(writes: Write[]) {
      sink.written += writes.length;
    },
    close: async () => {},
  };
  return sink;
}

async function runCase(name: string, n: number) {
  const dir = mkdtempSync(join(tmpdir(), "objstore-bench-migrate-"));
  const stores: ObjectStore[] = [];
  const open = (config: object) => {
    const store = createObjectStoreInstance(config as never);
    stores.push(store);
    return store;
  };
  try {
    let from: Driver | ObjectStore, to: Driver | ObjectStore;
    if (name.startsWith("synthetic")) from = syntheticDriver(n);
    else {
      const memory = memoryDriver();
      for (let start = 0; start < n; start += 1000) {
        const writes: Write[] = [];
        for (let i = start; i < Math.min(n, start + 1000); i++) {
          writes.push({ op: "put", type: TYPES[i % TYPES.length]!, key: keyOf(i), expect: { any: true }, record: recordOf(i) });
        }
        await memory.commit(writes);
      }
      from = memory;
    }
    if (name.endsWith("sink")) to = sinkDriver();
    else if (name.endsWith("libsql")) to = open({ Type: "LibSQL", url: `file:${join(dir, "to.db")}` });
    else to = open({ Type: "SimpleFileStore", BaseLocation: dir });

    let peakHeap = 0;
    const t = performance.now();
    const result = await migrate({
      from, to, batchSize: 500,
      onProgress: () => void (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)),
    });
    const seconds = (performance.now() - t) / 1000;
    if (result.processed !== n) throw new Error(`copied ${result.processed} of ${n}`);
    return {
      name, n, seconds, perSecond: Math.round(n / seconds),
      peakHeapMB: +(peakHeap / 2 ** 20).toFixed(1),
      maxRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    };
  } finally {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "case") {
  console.log(JSON.stringify(await runCase(process.argv[3]!, Number(process.argv[4]))));
} else {
  const cases: [string, number][] = [
    ["synthetic→sink", 10_000], ["synthetic→sink", 100_000],
    ["synthetic→libsql", 10_000], ["synthetic→libsql", 100_000],
    ["memory→libsql", 10_000], ["memory→libsql", 100_000],
    ["memory→file", 10_000],
  ];
  console.log(`runtime ${typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.version}`}\n`);
  console.log("| case | objects | s | objects/s | peak heap MB | peak RSS MB |\n|---|---|---|---|---|---|");
  for (const [name, n] of cases) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, "case", name, String(n)], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(`${name} ${n} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split("\n").pop()!);
    console.log(`| ${name} | ${n} | ${r.seconds.toFixed(2)} | ${r.perSecond} | ${r.peakHeapMB} | ${r.maxRssMB} |`);
  }
}
