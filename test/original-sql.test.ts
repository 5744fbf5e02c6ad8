// `"layout": "original"` on SQLAlchemy configs (MariaDB/MySQL and SQLite): rows written in the
// Python original's exact format (by test/original/python_formats.py: json.dumps of the RJM form,
// isoformat dates, integer versions, in tables created as its create_all creates them; on SQLite
// Python writes the file itself) are read as objects; objstore's writes are decoded by the Python
// side as the original does; version checks are atomic; and the seed's migration runs end to end.
import { describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import mysql from "mysql2/promise";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { libsqlErrors } from "../src/drivers/libsql/errors.ts";
import { libsqlOriginalConnection } from "../src/drivers/sql/original-client.ts";
import { originalSqlDriver } from "../src/drivers/sql/original.ts";
import { createStore } from "../src/store.ts";
import { migrate, type ObjectStore, type StoreConfig, verify } from "../mod.ts";
import { useSqlServer } from "./support/sql-servers.ts";

const here = dirname(fileURLToPath(import.meta.url));
const python = (args: string[], input?: string): string => {
  const run = spawnSync("python3", [join(here, "original", "python_formats.py"), ...args], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
};

interface Expected {
  type: string;
  key: string;
  value: unknown;
  version: string;
  created: string;
  updated: string;
}
type Row = Record<string, unknown>;

/** One database: where the original's rows come from, and how to read the raw rows back. */
interface Backend {
  name: string;
  /** A config of `layout` on tables with `prefix`. */
  config(prefix: string, layout?: "original"): StoreConfig;
  /** Writes the sample the original's way under `prefix`; returns what objstore must read. */
  seed(prefix: string): Promise<Expected[]>;
  /** The raw `_objData` rows. */
  rows(prefix: string): Promise<Row[]>;
  /** Whether the Python-made table compares keys case-insensitively (MySQL utf8_general_ci). */
  caseInsensitive: boolean;
}

const COLUMNS = "type, `key`, `objectDICT`, `objectVersion`, `creationDate_iso8601`, `lastUpdateDate_iso8601`";
const SAMPLE = 57; // sample_objects() + tricky_objects() in python_formats.py

const backends: Backend[] = [];
const server = await useSqlServer("mysql");
if (server.ready) {
  const pool = mysql.createPool({ host: server.host, port: server.port, user: "root", database: server.database, connectionLimit: 2 });
  backends.push({
    name: "MariaDB",
    caseInsensitive: true,
    config: (prefix, layout) => ({ Type: "SQLAlchemy", connectionString: server.url, objectPrefix: prefix, ...(layout ? { layout } : {}) }) as StoreConfig,
    async seed(prefix) {
      const sample = JSON.parse(python(["sql-rows", "mysql", prefix])) as { schema: string[]; insert: string; rows: unknown[][]; expected: Expected[] };
      for (const statement of sample.schema) await pool.query(statement);
      for (const row of sample.rows) await pool.query(sample.insert, row);
      return sample.expected;
    },
    rows: async (prefix) => (await pool.query(`SELECT ${COLUMNS} FROM \`${prefix}_objData\``))[0] as Row[],
  });
}
const dir = mkdtempSync(join(tmpdir(), "objstore-original-sql-"));
const file = (prefix: string) => join(dir, `${prefix || "empty"}.db`);
const sqlite: Backend = {
  name: "SQLite",
  caseInsensitive: false,
  // SQLAlchemy's sqlite URL: four slashes before an absolute path.
  config: (prefix, layout) => ({ Type: "SQLAlchemy", connectionString: `sqlite:///${file(layout ? prefix : "objstore")}`, objectPrefix: prefix, ...(layout ? { layout } : {}) }) as StoreConfig,
  seed: async (prefix) => (JSON.parse(python(["sqlite-write", file(prefix), prefix])) as { expected: Expected[] }).expected,
  async rows(prefix) {
    const client = createClient({ url: `file:${file(prefix)}` });
    const rows = (await client.execute(`SELECT ${COLUMNS.replaceAll("`", '"')} FROM "${prefix}_objData"`)).rows.map((r) => ({ ...r }) as Row);
    client.close();
    return rows;
  },
};
backends.push(sqlite);

const checkRows = (rows: Row[]) => python(["check-sql"], JSON.stringify(rows)).trim();
let n = 0;

for (const b of backends) {
  describe(`${b.name}, the original's SQLAlchemy layout`, () => {
    test("reads what the Python original wrote: values (RJM tags kept), versions, dates, types, pages, totals", async () => {
      const prefix = `r${++n}`;
      const expected = await b.seed(prefix);
      expect(expected.length).toBe(SAMPLE);
      const store = createObjectStoreInstance(b.config(prefix, "original"));
      for (const want of expected) expect(await store.get(want.type, want.key)).toEqual(want as never);
      expect((await store.types()).sort()).toEqual(["Order", "Person", "Tricky"]);
      const page = await store.page("Person", { pagesize: 5, sort: "age:desc", query: "person" });
      expect(page.pagination.total).toBe(40);
      expect(page.result.map((o) => o.key)).toEqual(["p39", "p38", "p37", "p36", "p35"]);
      // Query terms follow objstore's rules over the parsed value (not Python's JSON text).
      expect((await store.page("Person", { query: "CAFÉ 😀", pagesize: 1 })).pagination.total).toBe(40);
      expect((await store.page("Order", { query: "ÜMLAUT" })).result.map((o) => o.key)).toEqual(["ümlaut"]);
      // Pushed down: key order by code point, offset, total.
      const orders = await store.page("Order", { offset: 1, pagesize: 3 });
      expect(orders.result.map((o) => o.key)).toEqual(["a/b", "key_with_underscores", "sp ace"]);
      expect(orders.pagination.total).toBe(5);
      expect((await store.page("Order")).result.map((o) => o.key)).toEqual(["100%", "a/b", "key_with_underscores", "sp ace", "ümlaut"]);
      const scanned: string[] = [];
      for await (const o of store.scan("Tricky")) scanned.push(o.key);
      expect(scanned).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
      expect(await store.get("Person", "missing")).toBeUndefined();
      await store.close();
    });

    test("writes what the Python original reads, with atomic version checks and the column limits", async () => {
      const prefix = `w${++n}`;
      const expected = await b.seed(prefix);
      const store = createObjectStoreInstance(b.config(prefix, "original"));
      const p1 = await store.get("Person", "p01");
      await store.save("Person", "p01", { ...(p1!.value as object), name: "Renamed é" }, p1!.version);
      await expect(store.save("Person", "p01", {}, p1!.version)).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
      await expect(store.save("Person", "p02", {})).rejects.toMatchObject({ code: "OBJECT_EXISTS" });
      await expect(store.remove("Person", "p02", { version: "99" })).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
      await store.save("Person", "new", { raw: { rj5mt3ypebdf3ase_TYPE: "RJMTypeBytesClass", data: "made by objstore" }, price: { rj5mt3ypebdf3ase_TYPE: "RJMTypeDecimalClass", data: "9.99" } });
      await store.remove("Person", "p03");
      await store.transaction(async (tx) => {
        await tx.update("Order", "a/b", (v) => ({ ...(v as object), touched: true }));
        await tx.save("Order", "tx", [1, "two"]);
      });
      // A failing transaction keeps nothing.
      await expect(store.transaction(async (tx) => {
        await tx.save("Order", "never", 1);
        await tx.save("Order", "a/b", 2, "1");
      })).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
      expect(await store.get("Order", "never")).toBeUndefined();
      // The column limits (VARCHAR(50) type, VARCHAR(140) key, in characters).
      await expect(store.save("T".repeat(51), "k", 1)).rejects.toMatchObject({ code: "INVALID_OBJECT_TYPE" });
      await expect(store.save("Order", "k".repeat(141), 1)).rejects.toMatchObject({ code: "INVALID_KEY" });
      await store.save("Order", "é".repeat(140), 1);
      expect((await store.get("Order", "é".repeat(140)))?.value).toBe(1);
      // Keys are case-sensitive; a Python-made case-insensitive table cannot hold both spellings.
      expect(await store.get("Person", "P01")).toBeUndefined();
      if (b.caseInsensitive) await expect(store.save("Person", "P01", 1)).rejects.toMatchObject({ code: "INVALID_KEY" });
      else await store.save("Person", "P01", 1);
      const rows = await b.rows(prefix);
      expect(checkRows(rows)).toBe(`ok ${expected.length + 2 + (b.caseInsensitive ? 0 : 1)}`);
      const renamed = rows.find((r) => r.type === "Person" && r.key === "p01")!;
      expect(renamed.objectVersion).toBe(Number(p1!.version) + 1);
      expect(String(renamed.objectDICT)).toContain('"name": "Renamed \\u00e9"');
      // The creation date is kept exactly as Python wrote it (microseconds included).
      expect(renamed.creationDate_iso8601).toBe("2023-05-06T07:08:10.123456+00:00");
      await store.close();
    });

    test("concurrent versioned saves from two stores: no lost update", async () => {
      const prefix = `c${++n}`;
      const stores = [createObjectStoreInstance(b.config(prefix, "original")), createObjectStoreInstance(b.config(prefix, "original"))];
      await stores[0]!.save("Counter", "c", { n: 0 });
      let wins = 0;
      await Promise.all(stores.map(async (store) => {
        for (let i = 0; i < 8; i++) {
          const got = await store.get<{ n: number }>("Counter", "c");
          try {
            await store.save("Counter", "c", { n: got!.value.n + 1 }, got!.version);
            wins++;
          } catch (e) {
            expect(e).toMatchObject({ code: "WRONG_OBJECT_VERSION" });
          }
        }
      }));
      const final = await stores[0]!.get<{ n: number }>("Counter", "c");
      expect(final!.value.n).toBe(wins);
      expect(final!.version).toBe(String(wins + 1));
      for (const s of stores) await s.close();
    });

    test("creates the original's tables when missing (the Python library can use them), DoubleStringIndex included", async () => {
      const prefix = "";
      const store = createObjectStoreInstance(b.config(prefix, "original"));
      await store.save("Person", "a", { x: "ü" });
      await store.save("Person", "A", { x: 2 });
      const dsi = store.doubleStringIndex("Users");
      await dsi.save("alice", "id-1");
      expect(await dsi.getByB("id-1")).toBe("alice");
      expect(await store.types()).toEqual(["Person"]);
      expect((await store.page("Person")).result.map((o) => o.key)).toEqual(["A", "a"]);
      const rows = await b.rows(prefix);
      expect(checkRows(rows)).toBe(`ok ${rows.length}`);
      await store.close();
    });

    test("the seed's migration: Migrating{From: original, To: objstore} with writers running, then migrate and verify: 0 differences", async () => {
      const prefix = `m${++n}`;
      const expected = await b.seed(prefix);
      const fromConfig = b.config(prefix, "original");
      const toConfig = b.config(`to${n}`);
      const live = createObjectStoreInstance({ Type: "Migrating", From: fromConfig, To: toConfig });
      const from = createObjectStoreInstance(fromConfig);
      const to = createObjectStoreInstance(toConfig);
      // Each store loads its driver on first use (a dynamic import). Load them before the writers
      // start: under Node the tests run through a TypeScript loader whose imports a main thread
      // busy with synchronous SQLite writes delays by seconds (the job then waits on them).
      for (const store of [live, from, to] as ObjectStore[]) await store.types();
      let writing = true;
      const writer = async (w: number) => {
        for (let i = 0; writing; i++) {
          const key = `p${String((i * 7 + w) % 40).padStart(2, "0")}`;
          await live.update("Person", key, (v) => ({ ...(v as object), bumped: i }));
          if (i % 5 === 0) await live.save("Person", `live-${w}-${i}`, { w, i });
          if (i % 9 === 0) await live.remove("Person", `live-${w}-${i - 5}`, { ignoreMissing: true });
          // A local SQLite store answers without I/O: yield to timers, as an application's other
          // work would, so the migration job (and the test's timeout) get their turn.
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      const writers = [writer(1), writer(2)];
      const result = await migrate({ from, to, batchSize: 10 });
      writing = false;
      await Promise.all(writers);
      expect(result.processed).toBeGreaterThanOrEqual(expected.length);
      const check = await verify({ from, to });
      expect({ missing: check.missing, extra: check.extra, different: check.different }).toEqual({ missing: 0, extra: 0, different: 0 });
      // The Python-format rows are still readable in place.
      expect(checkRows(await b.rows(prefix))).toMatch(/^ok /);
      for (const store of [live, from, to] as ObjectStore[]) await store.close();
    }, 60_000);
  });
}

// A SQLite statement that fails with SQLITE_BUSY stays active inside the native client until it
// is garbage-collected (libsql resets a statement before it runs, not after it fails), and
// @libsql/client puts its connection back into the pool; while a write statement (BEGIN
// IMMEDIATE is one) is active there, every COMMIT on that connection fails with "cannot commit
// transaction - SQL statements in progress". A store whose commit found the file locked must
// not stay stuck on that connection.
describe("SQLite, the original's layout: a commit that finds the file locked by another connection", () => {
  test("by another process: waits for the lock, commits, and later commits are answered as such", async () => {
    const prefix = `busy${++n}`;
    const store = createObjectStoreInstance(sqlite.config(prefix, "original"));
    await store.save("Counter", "c", { n: 0 });
    // Python's sqlite3 holds the write lock for 300 ms.
    const child = spawn("python3", ["-c", [
      "import sqlite3, sys, time",
      "c = sqlite3.connect(sys.argv[1], isolation_level=None)",
      "c.execute('BEGIN IMMEDIATE')",
      "print('locked', flush=True)",
      "time.sleep(0.3)",
      "c.execute('COMMIT')",
    ].join("\n"), file(prefix)], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    });
    await store.save("Counter", "c", { n: 1 }, "1");
    await exited;
    await expect(store.save("Counter", "c", { n: 9 }, "1")).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
    await store.save("Counter", "c", { n: 2 }, "2");
    expect(await store.get("Counter", "c")).toMatchObject({ value: { n: 2 }, version: "3" });
    await store.close();
  }, 30_000);

  test("by a transaction in this process, with no busy wait: retried on a new client until it commits", async () => {
    const prefix = `busy${++n}`;
    const url = `file:${file(prefix)}`;
    // No busy timeout: a locked file fails at once, and the driver's retry loop waits.
    const open = () => createClient({ url });
    const store = createStore(originalSqlDriver({
      kind: "LibSQL", flavor: "sqlite", connection: () => libsqlOriginalConnection(open(), open), objectPrefix: prefix, errors: libsqlErrors, busyRetryMs: 5_000,
    }));
    await store.save("Counter", "c", { n: 0 });
    const holder = createClient({ url });
    const tx = await holder.transaction("write");
    const saving = store.save("Counter", "c", { n: 1 }, "1");
    setTimeout(() => void tx.commit(), 100);
    await saving;
    await expect(store.save("Counter", "c", { n: 9 }, "1")).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
    await store.save("Counter", "c", { n: 2 }, "2");
    expect(await store.get("Counter", "c")).toMatchObject({ value: { n: 2 }, version: "3" });
    holder.close();
    await store.close();
  }, 30_000);
});

test("cleanup", () => rmSync(dir, { recursive: true, force: true }));
