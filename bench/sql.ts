/**
 * objstore's MySQL/MariaDB and PostgreSQL stores against their raw client (mysql2, postgres.js)
 * running the plain statements for the same work on the same table (100,000 objects of one
 * type): get, save (create), save (update at a version), page at offset 0 and at 90,000 (with
 * the exact total), and a cursor page at the same depth. Calls alternate one by one between
 * the sides. keyv's adapter for the database (`@keyv/mysql`, `@keyv/postgres`, holding the same
 * values) is the third side where keyv has the operation (get, create). Prints a Markdown table
 * per server: ops/s and objstore/peer (time per op).
 *
 *   .tools/node_modules/bun/bin/bun.exe bench/sql.ts [mysql|postgres]   # or: node --import tsx bench/sql.ts
 *   OBJSTORE_BENCH_OBJECTS=20000 ... for a quicker run
 *
 * Needs the servers of test/support/sql-servers.ts (127.0.0.1:3306 root, 127.0.0.1:5432 postgres);
 * each run creates a database and drops it.
 *
 * @module
 */
import mysql from "mysql2/promise";
import postgres from "postgres";
import process from "node:process";
import Keyv from "keyv";
import KeyvMysql from "@keyv/mysql";
import KeyvPostgres from "@keyv/postgres";
import { createObjectStoreInstance } from "../adapters/node.ts";
import type { ObjectStore } from "../mod.ts";
import { measure, runtimeName } from "./support.ts";

const OBJECTS = Number(process.env.OBJSTORE_BENCH_OBJECTS ?? 100_000);
const DEPTH = Math.floor(OBJECTS * 0.9);
const ROUND_MS = Number(process.env.OBJSTORE_BENCH_ROUND_MS ?? 200);
const ROUNDS = Number(process.env.OBJSTORE_BENCH_ROUNDS ?? 9);
const KEYV_LOAD_BATCH = 200;
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });
type Row = Record<string, unknown>;
const toObject = (row: Row) => ({
  type: TYPE, key: String(row.key), value: JSON.parse(String(row.value)), version: String(row.version), created: String(row.created), updated: String(row.updated),
});

/** The raw side: the plain statements a hand-written data layer would send. */
interface Raw {
  query(sql: string, args: unknown[]): Promise<{ rows: Row[]; affected: number }>;
  /** `count` and `rows` in one round trip. */
  pair(count: [string, unknown[]], rows: [string, unknown[]]): Promise<[Row[], Row[]]>;
  end(): Promise<void>;
  k: string;
  keyOut: string;
}

async function setUp(kind: "mysql" | "postgres"): Promise<{ url: string; raw: Raw; keyv: Keyv; drop: () => Promise<void> }> {
  const db = `objstore_bench_${Date.now().toString(36)}`;
  if (kind === "mysql") {
    const admin = await mysql.createConnection({ host: "127.0.0.1", user: "root" });
    await admin.query(`CREATE DATABASE ${db}`);
    const pool = mysql.createPool({ host: "127.0.0.1", user: "root", database: db, charset: "UTF8MB4_BIN", multipleStatements: true, flags: ["-FOUND_ROWS"], connectionLimit: 4 });
    const raw: Raw = {
      async query(sql, args) {
        const [r] = await pool.query(sql, args);
        return Array.isArray(r) ? { rows: r as Row[], affected: 0 } : { rows: [], affected: (r as { affectedRows: number }).affectedRows };
      },
      async pair(count, rows) {
        const [r] = await pool.query(`${pool.format(count[0], count[1])}; ${pool.format(rows[0], rows[1])}`);
        return r as unknown as [Row[], Row[]];
      },
      end: () => pool.end(),
      k: "`key`",
      keyOut: "CONVERT(`key` USING utf8mb4) AS `key`",
    };
    return { url: `mysql+pymysql://root@127.0.0.1:3306/${db}`, raw, keyv: new Keyv({ store: new KeyvMysql({ uri: `mysql://root@127.0.0.1:3306/${db}` }) }), drop: async () => void (await admin.query(`DROP DATABASE ${db}`), await admin.end()) };
  }
  const admin = postgres({ host: "127.0.0.1", username: "postgres", database: "postgres", onnotice: () => {}, max: 1 });
  await admin.unsafe(`CREATE DATABASE ${db}`);
  const sql = postgres({ host: "127.0.0.1", username: "postgres", database: db, onnotice: () => {}, max: 4, fetch_types: false });
  let n = 0;
  const numbered = (text: string) => ((n = 0), text.replace(/\?/g, () => `$${++n}`));
  const raw: Raw = {
    async query(text, args) {
      const r = await sql.unsafe(numbered(text), args as never[], { prepare: true });
      return { rows: [...r] as Row[], affected: r.count };
    },
    async pair(count, rows) {
      // postgres.js pipelines queries issued together on one connection.
      return await sql.begin("read only", (tx) => [tx.unsafe(numbered(count[0]), count[1] as never[]), tx.unsafe(numbered(rows[0]), rows[1] as never[])]) as unknown as [Row[], Row[]];
    },
    end: () => sql.end({ timeout: 1 }),
    k: "key",
    keyOut: "key",
  };
  return { url: `postgresql://postgres@127.0.0.1:5432/${db}`, raw, keyv: new Keyv({ store: new KeyvPostgres({ uri: `postgresql://postgres@127.0.0.1:5432/${db}` }) }), drop: async () => void (await sql.end({ timeout: 1 }), await admin.unsafe(`DROP DATABASE ${db} WITH (FORCE)`), await admin.end()) };
}

async function load(store: ObjectStore): Promise<void> {
  const stamp = Date.now();
  for (let start = 0; start < OBJECTS; start += 1000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(OBJECTS, start + 1000); i++) await tx.save(TYPE, key(i), valueOf(i));
    });
    if (start % 20000 === 0) console.error(`loaded ${start} (${Math.round((Date.now() - stamp) / 1000)} s)`);
  }
}

/** The same values into keyv, a batch of concurrent `set`s at a time. */
async function loadKeyv(keyv: Keyv): Promise<void> {
  for (let start = 0; start < OBJECTS; start += KEYV_LOAD_BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(OBJECTS, start + KEYV_LOAD_BATCH); i++) batch.push(keyv.set(key(i), valueOf(i)));
    await Promise.all(batch);
  }
}

let seed = 42;
const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
type Side = "objstore" | "raw" | "keyv";

async function bench(kind: "mysql" | "postgres"): Promise<void> {
  const { url, raw, keyv, drop } = await setUp(kind);
  const store = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: url });
  await load(store);
  await loadKeyv(keyv);
  const T = kind === "mysql" ? "`objstore_objects`" : `"objstore_objects"`;
  const COLUMNS = `${raw.keyOut}, value, version, created, updated`;
  const created = { objstore: 0, raw: 0, keyv: 0 };
  const updated = { objstore: { key: key(1), version: 1 }, raw: { key: key(2), version: 1 } };
  const deepCursor = (await store.page(TYPE, { offset: DEPTH - 100, pagesize: 100 })).next!;
  const deepKey = key(DEPTH - 1);
  const cases: { name: string; run: Partial<Record<Side, () => Promise<unknown>>> }[] = [
    {
      name: "get",
      run: {
        objstore: () => store.get(TYPE, key(random(OBJECTS))),
        raw: async () => (await raw.query(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND ${raw.k} = ?`, [TYPE, key(random(OBJECTS))])).rows.map(toObject)[0],
        keyv: () => keyv.get(key(random(OBJECTS))),
      },
    },
    {
      name: "save (create)",
      run: {
        objstore: () => store.save(TYPE, `new-o-${created.objstore++}`, valueOf(created.objstore)),
        raw: async () => {
          const now = new Date().toISOString();
          await raw.query(`INSERT INTO ${T} (type, ${raw.k}, value, version, created, updated, search) VALUES (?, ?, ?, '1', ?, ?, NULL)`,
            [TYPE, `new-r-${created.raw++}`, JSON.stringify(valueOf(created.raw)), now, now]);
        },
        keyv: () => keyv.set(`new-k-${created.keyv++}`, valueOf(created.keyv)),
      },
    },
    {
      name: "save (update at a version)",
      run: {
        objstore: async () => {
          const u = updated.objstore;
          u.version = Number((await store.save(TYPE, u.key, valueOf(u.version), String(u.version))).version);
        },
        raw: async () => {
          const u = updated.raw;
          const r = await raw.query(`UPDATE ${T} SET value = ?, version = ?, updated = ? WHERE type = ? AND ${raw.k} = ? AND version = ?`,
            [JSON.stringify(valueOf(u.version)), String(u.version + 1), new Date().toISOString(), TYPE, u.key, String(u.version)]);
          if (r.affected !== 1) throw new Error("wrong version");
          u.version++;
        },
      },
    },
    ...[0, DEPTH].map((offset) => ({
      name: `page, offset ${offset.toLocaleString("en")} (100, with total)`,
      run: {
        objstore: () => store.page(TYPE, { offset, pagesize: 100 }),
        raw: async () => {
          const [count, rows] = await raw.pair([`SELECT count(*) AS n FROM ${T} WHERE type = ?`, [TYPE]],
            [`SELECT ${COLUMNS} FROM ${T} WHERE type = ? ORDER BY ${T}.${raw.k} LIMIT 100 OFFSET ${offset}`, [TYPE]]);
          return { total: Number(count[0]!.n), result: rows.map(toObject) };
        },
      },
    })),
    {
      name: `cursor page at ${DEPTH.toLocaleString("en")} (100)`,
      run: {
        objstore: () => store.page(TYPE, { cursor: deepCursor, pagesize: 100 }),
        raw: async () => (await raw.query(`SELECT ${COLUMNS} FROM ${T} WHERE type = ? AND ${raw.k} > ? ORDER BY ${T}.${raw.k} LIMIT 101`, [TYPE, deepKey])).rows.slice(0, 100).map(toObject),
      },
    },
  ];

  const ops = (ms: number | undefined) => (ms === undefined ? "n/a" : Math.round(1000 / ms).toLocaleString("en"));
  const ratio = (ours: number, peer: number | undefined) => (peer === undefined ? "n/a" : `${(ours / peer).toFixed(2)}×`);
  const lines: string[] = [];
  for (const c of cases) {
    const t = await measure(c.run as Record<string, () => Promise<unknown>>, ROUNDS, 1, ROUND_MS);
    lines.push(`| ${c.name} | ${ops(t.objstore)} | ${ops(t.raw)} | ${ratio(t.objstore!, t.raw)} | ${ops(t.keyv)} | ${ratio(t.objstore!, t.keyv)} |`);
  }
  const client = kind === "mysql" ? "mysql2" : "postgres.js";
  const adapter = kind === "mysql" ? "@keyv/mysql" : "@keyv/postgres";
  console.log(`\n${kind === "mysql" ? "MariaDB" : "PostgreSQL"}: ${OBJECTS.toLocaleString("en")} objects, ${runtimeName()}, median of ${ROUNDS} rounds of ${ROUND_MS} ms, interleaved\n`);
  console.log(`| operation | objstore ops/s | raw ${client} ops/s | objstore/raw (time per op) | keyv ${adapter} ops/s | objstore/keyv |`);
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const line of lines) console.log(line);
  await store.close();
  await keyv.disconnect();
  await raw.end();
  await drop();
}

const only = process.argv[2];
for (const kind of ["mysql", "postgres"] as const) if (only === undefined || only === kind) await bench(kind);
