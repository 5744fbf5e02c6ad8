/**
 * Performance at scale in one command: every figure is objstore's time per operation divided by
 * its peer's, measured in the same run with calls interleaved (median of short rounds).
 *
 * 1. Memory against unstorage, keyv and a Map floor (bench/memory.ts);
 * 2. bulk load into a libSQL file against a raw batch of INSERT … ON CONFLICT DO NOTHING (bench/bulk.ts);
 * 3. a scaling table (1k/10k/100k objects; 1M on libSQL with OBJSTORE_BENCH_1M=1) of page with
 *    total, page with `total: false` (both at offset 0 and at 90 %), cursor page at 90 %, sorted
 *    page and queried page, on Memory (peer: a sorted array of a Map), libSQL (peer: the same SQL
 *    through raw @libsql/client) and IndexedDB under fake-indexeddb (peer: raw fake-indexeddb calls;
 *    1k/10k, as fake-indexeddb's writes and counts are slow).
 *
 *   .tools/node_modules/bun/bin/bun.exe bench/scale.ts
 *   node --experimental-strip-types bench/scale.ts ; .tools/node_modules/deno/deno run -A bench/scale.ts
 *   OBJSTORE_BENCH_SIZES=1000,10000 OBJSTORE_BENCH_PARTS=memory,bulk,scale for a part of it
 *
 * @module
 */
import { createClient } from "@libsql/client";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../adapters/node.ts";
import type { ObjectStore } from "../mod.ts";
import type { Write } from "../src/driver.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { cleanUp, loadObjstore, loadRaw } from "./bulk.ts";
import { memoryFigures, printFigures } from "./memory.ts";
import { formatMs, measure, median, runtimeName } from "./support.ts";

const env = process.env;
const PARTS = (env.OBJSTORE_BENCH_PARTS ?? "memory,bulk,scale").split(",");
const SIZES = (env.OBJSTORE_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const IDB_MAX = Number(env.OBJSTORE_BENCH_IDB_MAX ?? 10_000);
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, word: `w${i % 100}`, tags: ["a", "b", String(i % 7)] });
type Value = ReturnType<typeof valueOf>;
/** The floor's copy out: a hand-written copy of this value shape (what no generic copy beats). */
const copy = (v: Value): Value => ({ ...v, tags: [...v.tags] });
const dir = mkdtempSync(join(tmpdir(), "objstore-scale-"));

/** One side of a case: a function doing one operation. */
type Case = { name: string; ours: () => Promise<unknown>; peer: () => unknown };

/** The cases of one driver at one size; `ours` is the store, `peer` the same work done raw. */
interface Subject {
  driver: string;
  peerName: string;
  cases: Case[];
  /** Calls of one side back to back per turn (more for fast drivers, so timer noise stays small). */
  batch?: number;
  close(): Promise<void>;
}

const pageCases = (store: ObjectStore, n: number, peer: Record<string, () => unknown>, cursor: string): Case[] => [
  { name: "page with total, offset 0", ours: () => store.page(TYPE, { pagesize: 100 }), peer: peer.total! },
  { name: "page total:false, offset 0", ours: () => store.page(TYPE, { pagesize: 100, total: false }), peer: peer.noTotal! },
  { name: "page with total, offset 90%", ours: () => store.page(TYPE, { offset: Math.floor(n * 0.9), pagesize: 100 }), peer: peer.deepTotal! },
  { name: "page total:false, offset 90%", ours: () => store.page(TYPE, { offset: Math.floor(n * 0.9), pagesize: 100, total: false }), peer: peer.deep! },
  { name: "cursor page at 90%", ours: () => store.page(TYPE, { cursor, pagesize: 100 }), peer: peer.cursor! },
  { name: "sorted page (20, group:desc)", ours: () => store.page(TYPE, { sort: "group:desc", pagesize: 20 }), peer: peer.sorted! },
  { name: "queried page (1% match, total)", ours: () => store.page(TYPE, { query: "w42", pagesize: 20 }), peer: peer.queried! },
];

async function cursorAt(store: ObjectStore, n: number): Promise<string> {
  return (await store.page(TYPE, { offset: Math.max(0, Math.floor(n * 0.9) - 1), pagesize: 1, total: false })).next!;
}

async function memorySubject(n: number): Promise<Subject> {
  const store = createObjectStoreInstance({ Type: "Memory" });
  await store.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await tx.save(TYPE, key(i), valueOf(i));
  });
  // The floor: a Map plus its keys in order; values copied out (by hand) like any store must.
  const map = new Map<string, Value>();
  for (let i = 0; i < n; i++) map.set(key(i), valueOf(i));
  const keys = [...map.keys()].sort();
  const slice = (from: number, count: number) => keys.slice(from, from + count).map((k) => ({ key: k, value: copy(map.get(k)!) }));
  const deep = Math.floor(n * 0.9);
  const topK = () => {
    const best: [number, string][] = [];
    for (const [k, v] of map) {
      if (best.length === 20 && v.group <= best[19]![0]) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]![0] < v.group) at--;
      best.splice(at, 0, [v.group, k]);
      if (best.length > 20) best.pop();
    }
    return best.map(([, k]) => copy(map.get(k)!));
  };
  const queried = () => {
    const out = [];
    let total = 0;
    for (const k of keys) {
      const v = map.get(k)!;
      if (`${k}\n${JSON.stringify(v)}`.toLowerCase().includes("w42") && total++ < 20) out.push(copy(v));
    }
    return { out, total };
  };
  const peer = { total: () => ({ r: slice(0, 100), n: map.size }), noTotal: () => slice(0, 100), deepTotal: () => ({ r: slice(deep, 100), n: map.size }), deep: () => slice(deep, 100), cursor: () => slice(deep, 100), sorted: topK, queried };
  return { driver: "Memory", peerName: "Map + sorted keys", cases: pageCases(store, n, peer, await cursorAt(store, n)), batch: 10, close: () => store.close() };
}

async function libsqlSubject(n: number): Promise<Subject> {
  const url = `file:${join(dir, `scale-${n}.sqlite`)}`;
  const driver = libsqlDriver({ client: () => createClient({ url }), wal: true });
  const stamp = new Date().toISOString();
  for (let start = 0; start < n; start += 2000) {
    const writes: Write[] = [];
    for (let i = start; i < Math.min(n, start + 2000); i++) {
      writes.push({ op: "put", type: TYPE, key: key(i), expect: { any: true }, record: { key: key(i), value: valueOf(i), version: "1", created: stamp, updated: stamp } });
    }
    await driver.commit(writes);
  }
  await driver.close();
  const store = createObjectStoreInstance({ Type: "LibSQL", url });
  const raw = createClient({ url });
  const T = `"objstore_objects"`;
  const C = "key, value, version, created, updated";
  const rows = (r: { rows: Record<string, unknown>[] }) => r.rows.map((row) => ({ key: String(row.key), value: JSON.parse(String(row.value)), version: String(row.version) }));
  const select = (offset: number) => ({ sql: `SELECT ${C} FROM ${T} WHERE type = ? ORDER BY key LIMIT 101 OFFSET ?`, args: [TYPE, offset] });
  const count = { sql: `SELECT count(*) FROM ${T} WHERE type = ?`, args: [TYPE] };
  const deep = Math.floor(n * 0.9);
  const deepKey = key(deep - 1);
  const peer = {
    total: async () => rows((await raw.batch([count, select(0)], "read"))[1]!),
    noTotal: async () => rows(await raw.execute(select(0))),
    deepTotal: async () => rows((await raw.batch([count, select(deep)], "read"))[1]!),
    deep: async () => rows(await raw.execute(select(deep))),
    cursor: async () => rows(await raw.execute({ sql: `SELECT ${C} FROM ${T} WHERE type = ? AND key > ? ORDER BY key LIMIT 101`, args: [TYPE, deepKey] })),
    sorted: async () => rows(await raw.execute({ sql: `SELECT ${C} FROM ${T} WHERE type = ? ORDER BY json_extract(value, '$.group') DESC, key LIMIT 20`, args: [TYPE] })),
    queried: async () => {
      const where = `type = ? AND instr(lower(key || char(10) || value), ?) > 0`;
      const [c, r] = await raw.batch([
        { sql: `SELECT count(*) FROM ${T} WHERE ${where}`, args: [TYPE, "w42"] },
        { sql: `SELECT ${C} FROM ${T} WHERE ${where} ORDER BY key LIMIT 20`, args: [TYPE, "w42"] },
      ], "read");
      return { n: c!.rows[0]![0], r: rows(r!) };
    },
  };
  return {
    driver: "LibSQL (file, WAL)",
    peerName: "raw @libsql/client",
    cases: pageCases(store, n, peer, await cursorAt(store, n)),
    close: async () => (raw.close(), await store.close()),
  };
}

async function indexedDBSubject(n: number): Promise<Subject> {
  const indexedDB = new IDBFactory();
  const store = createObjectStoreInstance({ Type: "IndexedDB", dbName: "scale" }, { indexedDB: { indexedDB, IDBKeyRange } } as never);
  for (let start = 0; start < n; start += 1000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(n, start + 1000); i++) await tx.save(TYPE, key(i), valueOf(i));
    });
  }
  // The peer: a database of the same records and keys, read with plain IndexedDB calls.
  const open = indexedDB.open("raw", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("objects");
  const db: IDBDatabase = await new Promise((resolve) => (open.onsuccess = () => resolve(open.result)));
  const done = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  {
    const tx = db.transaction("objects", "readwrite");
    for (let i = 0; i < n; i++) tx.objectStore("objects").put({ key: key(i), value: valueOf(i), version: "1" }, [TYPE, key(i)]);
    await new Promise((resolve) => (tx.oncomplete = resolve));
  }
  const os = () => db.transaction("objects").objectStore("objects");
  const range = IDBKeyRange.bound([TYPE, ""], [TYPE, []]);
  const deep = Math.floor(n * 0.9);
  const after = (k: string) => IDBKeyRange.bound([TYPE, k], [TYPE, []], true);
  const skipTo = async (offset: number) => {
    const keys = await done(os().getAllKeys(range, offset));
    return done(os().getAll(after((keys[keys.length - 1] as string[])[1]!), 101));
  };
  const walk = async (keep: (v: Value) => boolean) => {
    const out: Value[] = [];
    let from = range;
    for (;;) {
      const batch = await done(os().getAll(from, 256)) as { key: string; value: Value }[];
      for (const r of batch) if (keep(r.value)) out.push(r.value);
      if (batch.length < 256) return out;
      from = after(batch[batch.length - 1]!.key);
    }
  };
  const peer = {
    total: () => Promise.all([done(os().count(range)), done(os().getAll(range, 101))]),
    noTotal: () => done(os().getAll(range, 101)),
    deepTotal: () => Promise.all([done(os().count(range)), skipTo(deep)]),
    deep: () => skipTo(deep),
    cursor: () => done(os().getAll(after(key(deep - 1)), 101)),
    sorted: async () => (await walk(() => true)).sort((a, b) => b.group - a.group || a.i - b.i).slice(0, 20),
    queried: async () => (await walk((v) => JSON.stringify(v).includes("w42"))).slice(0, 20),
  };
  return { driver: "IndexedDB (fake-indexeddb)", peerName: "raw fake-indexeddb", cases: pageCases(store, n, peer, await cursorAt(store, n)), close: async () => (db.close(), await store.close()) };
}

async function scalingTable(): Promise<void> {
  const libsqlSizes = env.OBJSTORE_BENCH_1M ? [...SIZES, 1_000_000] : SIZES;
  const plan: [string, (n: number) => Promise<Subject>, number[]][] = [
    ["Memory", memorySubject, SIZES],
    ["LibSQL", libsqlSubject, libsqlSizes],
    ["IndexedDB", indexedDBSubject, SIZES.filter((n) => n <= IDB_MAX)],
  ];
  for (const [, make, sizes] of plan) {
    const cells = new Map<string, string[]>();
    let title = "";
    for (const n of sizes) {
      const subject = await make(n);
      title = `${subject.driver} (peer: ${subject.peerName})`;
      for (const c of subject.cases) {
        const slow = n >= 100_000 && /sorted|queried|total,/.test(c.name);
        const t = await measure({ ours: c.ours, peer: c.peer }, slow ? 3 : 5, slow ? 1 : subject.batch ?? 1, slow ? 50 : 100);
        (cells.get(c.name) ?? cells.set(c.name, []).get(c.name)!).push(`${formatMs(t.ours!)} (${(t.ours! / t.peer!).toFixed(2)}×)`);
      }
      await subject.close();
    }
    console.log(`\n${title}: time per page (objstore/peer)\n`);
    console.log(`| page | ${sizes.map((n) => n.toLocaleString("en")).join(" | ")} |`);
    console.log(`|---|${sizes.map(() => "---:").join("|")}|`);
    for (const [name, row] of cells) console.log(`| ${name} | ${row.join(" | ")} |`);
  }
}

console.log(`objstore at scale, ${runtimeName()}; objstore and peer interleaved, medians of rounds`);
if (PARTS.includes("memory")) printFigures("Memory (10k objects; 100k in the paged/sorted rows)", await memoryFigures());
if (PARTS.includes("bulk")) {
  const n = Number(env.OBJSTORE_BENCH_BULK ?? 100_000);
  const o: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < 3; round++) {
    if (round % 2) o.push(await loadObjstore(n)), r.push(await loadRaw(n));
    else r.push(await loadRaw(n)), o.push(await loadObjstore(n));
  }
  console.log(`\nBulk load, ${n.toLocaleString("en")} creates into a libSQL file in transactions of 1000 (median of 3, alternating):`);
  console.log(`objstore ${median(o).toFixed(2)} s (${Math.round(n / median(o)).toLocaleString("en")}/s), raw batch ${median(r).toFixed(2)} s: ${(median(o) / median(r)).toFixed(2)}×`);
}
if (PARTS.includes("scale")) await scalingTable();
rmSync(dir, { recursive: true, force: true });
cleanUp();
