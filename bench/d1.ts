/**
 * objstore's D1 driver against hand-written statements on the same D1 binding (Miniflare's
 * D1, in workerd, reached from this process): get, create, versioned save, a page with and
 * without the total, and a cursor page deep in a type of 5,000 objects. Both sides pay the same
 * trip into workerd per statement or batch.
 *
 *   .tools/node_modules/.bin/bun bench/d1.ts          # Bun (miniflare 4 needs Node >= 22)
 *
 * @module
 */
import "../src/drivers/register/d1.ts";
import { createObjectStoreInstance, type PageParams } from "../mod.ts";
import type { D1DatabaseLike } from "../src/drivers/d1/driver.ts";
import { printComparisons } from "./support.ts";

const OBJECTS = Number(process.env.OBJSTORE_BENCH_OBJECTS ?? 5000);
const ROUND_MS = Number(process.env.OBJSTORE_BENCH_ROUND_MS ?? 150);
const ROUNDS = Number(process.env.OBJSTORE_BENCH_ROUNDS ?? 9);
const DEPTH = Math.floor(OBJECTS * 0.9);
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b"], active: i % 2 === 0 });

const { Miniflare } = await import("miniflare");
const mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response('ok'); } }", compatibilityDate: "2025-01-01", d1Databases: { DB: "bench" } });
await mf.ready;
const db = (await mf.getD1Database("DB")) as unknown as D1DatabaseLike & { exec(sql: string): Promise<unknown> };
const store = createObjectStoreInstance({ Type: "D1" }, { d1: db });
for (let start = 0; start < OBJECTS; start += 400) {
  await store.transaction(async (tx) => {
    for (let i = start; i < Math.min(OBJECTS, start + 400); i++) await tx.save(TYPE, key(i), valueOf(i));
  });
}
const T = `"objstore_objects"`;
const COLUMNS = "key, value, version, created, updated";
const toObject = (row: Record<string, unknown>) => ({ type: TYPE, key: String(row.key), value: JSON.parse(String(row.value)), version: String(row.version), created: String(row.created), updated: String(row.updated) });
let seed = 42;
const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
const created = { objstore: 0, raw: 0 };
const updated = { objstore: { key: key(1), version: 1 }, raw: { key: key(2), version: 1 } };
const deepCursor = (await store.page(TYPE, { offset: DEPTH - 100, pagesize: 100 })).next!;
const deepKey = key(DEPTH - 1);

type Side = "objstore" | "raw";
const cases: { name: string; run: Record<Side, () => Promise<unknown>> }[] = [
  {
    name: "get",
    run: {
      objstore: () => store.get(TYPE, key(random(OBJECTS))),
      raw: async () => (await db.prepare(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND key = ?`).bind(TYPE, key(random(OBJECTS))).all()).results?.map((r) => toObject(r as never))[0],
    },
  },
  {
    name: "save (create)",
    run: {
      objstore: () => store.save(TYPE, `new-o-${created.objstore++}`, valueOf(created.objstore)),
      raw: async () => {
        const now = new Date().toISOString();
        await db.prepare(`INSERT INTO ${T} (type, key, value, version, created, updated, search) VALUES (?, ?, ?, '1', ?, ?, NULL) ON CONFLICT DO NOTHING`)
          .bind(TYPE, `new-r-${created.raw++}`, JSON.stringify(valueOf(created.raw)), now, now).all();
      },
    },
  },
  {
    name: "save (update, versioned)",
    run: {
      objstore: async () => {
        const u = updated.objstore;
        u.version = Number((await store.save(TYPE, u.key, valueOf(u.version), String(u.version))).version);
      },
      raw: async () => {
        const u = updated.raw;
        await db.prepare(`UPDATE ${T} SET value = ?, version = ?, updated = ? WHERE type = ? AND key = ? AND version = ?`)
          .bind(JSON.stringify(valueOf(u.version)), String(u.version + 1), new Date().toISOString(), TYPE, u.key, String(u.version)).all();
        u.version++;
      },
    },
  },
  {
    name: "page, offset 0 (100, with total)",
    run: {
      objstore: () => store.page(TYPE, { pagesize: 100 }),
      raw: async () => {
        const [count, rows] = await db.batch([
          db.prepare(`SELECT count(*) AS n FROM ${T} WHERE type = ?`).bind(TYPE),
          db.prepare(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? ORDER BY key LIMIT 100`).bind(TYPE),
        ]);
        return { total: (count!.results![0] as { n: number }).n, result: rows!.results!.map((r) => toObject(r as never)) };
      },
    },
  },
  {
    name: "page, offset 0 (100, total: false)",
    run: {
      objstore: () => store.page(TYPE, { pagesize: 100, total: false } as PageParams),
      raw: async () => (await db.prepare(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? ORDER BY key LIMIT 101`).bind(TYPE).all()).results!.map((r) => toObject(r as never)),
    },
  },
  {
    name: `cursor page at ${DEPTH.toLocaleString("en")} (100)`,
    run: {
      objstore: () => store.page(TYPE, { cursor: deepCursor, pagesize: 100 }),
      raw: async () => (await db.prepare(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND key > ? ORDER BY key LIMIT 101`).bind(TYPE, deepKey).all()).results!.map((r) => toObject(r as never)),
    },
  },
];

console.log(`${OBJECTS.toLocaleString("en")} objects, Miniflare D1, median of ${ROUNDS} rounds of ${ROUND_MS} ms, calls interleaved one by one\n`);
await printComparisons(cases, [{ side: "raw", label: "raw D1 binding" }], ROUNDS, ROUND_MS);
await store.close();
await mf.dispose();
