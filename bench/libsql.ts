/**
 * objstore's LibSQL driver against hand-written `@libsql/client` statements doing the same
 * work on the same database file (100,000 objects of one type): get, save (create), save
 * (update), page at offset 0 and at offset 90,000 (with the exact total), and a cursor page at
 * the same depth. Prints a Markdown table of ops/s and the ratio objstore/raw (time per op).
 *
 *   .tools/node_modules/.bin/bun bench/libsql.ts            # or: node --import tsx bench/libsql.ts
 *   OBJSTORE_BENCH_OBJECTS=20000 ... for a quicker run
 *
 * @module
 */
import { createClient } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createObjectStoreInstance } from "../adapters/node.ts";
import type { Write } from "../src/driver.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { printComparisons, runtimeName } from "./support.ts";

const OBJECTS = Number(process.env.OBJSTORE_BENCH_OBJECTS ?? 100_000);
const DEPTH = Math.floor(OBJECTS * 0.9);
const ROUND_MS = Number(process.env.OBJSTORE_BENCH_ROUND_MS ?? 150);
const ROUNDS = Number(process.env.OBJSTORE_BENCH_ROUNDS ?? 15);
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });

const dir = mkdtempSync(join(tmpdir(), "objstore-bench-"));
const url = `file:${join(dir, "bench.sqlite")}`;
const stamp = new Date().toISOString();

// Load the data through the driver (same rows objstore would write), 1000 per transaction.
{
  const driver = libsqlDriver({ client: () => createClient({ url }), wal: true });
  for (let start = 0; start < OBJECTS; start += 1000) {
    const writes: Write[] = [];
    for (let i = start; i < Math.min(OBJECTS, start + 1000); i++) {
      writes.push({ op: "put", type: TYPE, key: key(i), expect: { any: true }, record: { key: key(i), value: valueOf(i), version: "1", created: stamp, updated: stamp } });
    }
    await driver.commit(writes);
  }
  await driver.close();
}

const store = createObjectStoreInstance({ Type: "LibSQL", url });
const raw = createClient({ url, timeout: 5000 });
const T = `"objstore_objects"`;
const COLUMNS = "key, value, version, created, updated";
const toObject = (row: Record<string, unknown>) => ({
  type: TYPE, key: String(row.key), value: JSON.parse(String(row.value)), version: String(row.version), created: String(row.created), updated: String(row.updated),
});
const ascii = (text: string) => /^[\x00-\x7f]*$/.test(text);

let seed = 42;
const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);

// State for the write benchmarks: each side creates and updates its own keys.
let created = { objstore: 0, raw: 0 };
const updated = { objstore: { key: key(1), version: 1 }, raw: { key: key(2), version: 1 } };
const deepCursor = (await store.page(TYPE, { offset: DEPTH - 100, pagesize: 100 })).next!;
const deepKey = key(DEPTH - 1);

type Side = "objstore" | "raw";
const cases: { name: string; run: Record<Side, () => Promise<unknown>> }[] = [
  {
    name: "get",
    run: {
      objstore: () => store.get(TYPE, key(random(OBJECTS))),
      raw: async () => {
        const row = (await raw.execute({ sql: `SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND key = ?`, args: [TYPE, key(random(OBJECTS))] })).rows[0];
        return row && toObject(row);
      },
    },
  },
  {
    name: "save (create)",
    run: {
      objstore: () => store.save(TYPE, `new-o-${created.objstore++}`, valueOf(created.objstore)),
      raw: async () => {
        const k = `new-r-${created.raw++}`;
        const json = JSON.stringify(valueOf(created.raw));
        const now = new Date().toISOString();
        const r = await raw.execute({
          sql: `INSERT INTO ${T} (type, key, value, version, created, updated, search) VALUES (?, ?, ?, '1', ?, ?, ?) ON CONFLICT DO NOTHING`,
          args: [TYPE, k, json, now, now, ascii(k + json) ? null : `${k}\n${json}`.toLowerCase()],
        });
        if (r.rowsAffected !== 1) throw new Error("exists");
      },
    },
  },
  {
    name: "save (update)",
    run: {
      objstore: async () => {
        const u = updated.objstore;
        const { version } = await store.save(TYPE, u.key, valueOf(u.version), String(u.version));
        u.version = Number(version);
      },
      raw: async () => {
        const u = updated.raw;
        const json = JSON.stringify(valueOf(u.version));
        const r = await raw.execute({
          sql: `UPDATE ${T} SET value = ?, version = ?, updated = ?, search = ? WHERE type = ? AND key = ? AND version = ?`,
          args: [json, String(u.version + 1), new Date().toISOString(), ascii(u.key + json) ? null : `${u.key}\n${json}`.toLowerCase(), TYPE, u.key, String(u.version)],
        });
        if (r.rowsAffected !== 1) throw new Error("wrong version");
        u.version++;
      },
    },
  },
  ...[0, DEPTH].map((offset) => ({
    name: `page, offset ${offset.toLocaleString("en")} (100, with total)`,
    run: {
      objstore: () => store.page(TYPE, { offset, pagesize: 100 }),
      raw: async () => {
        const [count, rows] = await raw.batch([
          { sql: `SELECT count(*) FROM ${T} WHERE type = ?`, args: [TYPE] },
          { sql: `SELECT ${COLUMNS} FROM ${T} WHERE type = ? ORDER BY key LIMIT 100 OFFSET ?`, args: [TYPE, offset] },
        ], "read");
        return { total: Number(count!.rows[0]![0]), result: rows!.rows.map(toObject) };
      },
    } as Record<Side, () => Promise<unknown>>,
  })),
  {
    name: `cursor page at ${DEPTH.toLocaleString("en")} (100)`,
    run: {
      objstore: () => store.page(TYPE, { cursor: deepCursor, pagesize: 100 }),
      raw: async () => {
        const rows = await raw.execute({ sql: `SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND key > ? ORDER BY key LIMIT 101`, args: [TYPE, deepKey] });
        return rows.rows.slice(0, 100).map(toObject);
      },
    },
  },
];

const runtime = runtimeName();
console.log(`${OBJECTS.toLocaleString("en")} objects, file: database (WAL), ${runtime}, median of ${ROUNDS} rounds of ${ROUND_MS} ms, objstore and raw calls interleaved one by one\n`);
const results = await printComparisons(cases, [{ side: "raw", label: "raw @libsql/client" }], ROUNDS, ROUND_MS);
const first = results[cases[3]!.name]!.objstore!;
const deep = results[cases[5]!.name]!.objstore!;
console.log(`\ndeep cursor page / first page (time per op): ${(deep / first).toFixed(2)}×`);

await store.close();
raw.close();
rmSync(dir, { recursive: true, force: true });
