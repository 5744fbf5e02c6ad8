// The MySQL/MariaDB and PostgreSQL stores' own cases, on real servers (test/support/sql-servers.ts):
// every SQLAlchemy URL form, passwords kept out of errors, conflicts named from inside the
// atomic step, large values and longest keys, table prefixes, a missing client package, and a
// connection killed mid-commit leaving nothing partial.
import { describe, expect, test } from "bun:test";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { createObjectStoreInstance as edgeCreate, ObjectStoreError, type StoreConfig } from "../mod.ts";
import { expectError } from "./conformance/mod.ts";
import { type SqlServerKind, useSqlServer } from "./support/sql-servers.ts";

const SCHEMES: Record<SqlServerKind, string[]> = {
  mysql: ["mysql", "mysql+pymysql", "mysql+mysqldb", "mariadb", "mariadb+pymysql"],
  postgres: ["postgresql", "postgresql+psycopg2", "postgresql+psycopg", "postgres"],
};

for (const kind of ["mysql", "postgres"] as const) {
  const server = await useSqlServer(kind);
  if (!server.ready) continue;
  const name = kind === "mysql" ? "MySQL" : "PostgreSQL";
  let n = 0;
  const urlWith = (scheme: string, extra = "") => server.url.replace(/^[^:]+:/, `${scheme}:`) + extra;
  const open = (extra: Partial<StoreConfig & { objectPrefix: string }> = {}, url = server.url) =>
    createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: url, objectPrefix: `s${++n}`, ...extra } as StoreConfig);

  describe(`${name} specifics`, () => {
    for (const scheme of SCHEMES[kind]) {
      test(`${scheme}:// URLs open the server`, async () => {
        const store = open({}, urlWith(scheme));
        await store.save("T", "k", { scheme });
        expect((await store.get("T", "k"))?.value).toEqual({ scheme });
        expect(store.kind).toBe(name);
        await store.close();
      });
    }

    test("query parameters that matter are accepted (TLS off, charset, timeout)", async () => {
      const params = kind === "mysql" ? "?charset=utf8mb4&ssl=false&connect_timeout=5" : "?sslmode=disable&application_name=objstore-test&connect_timeout=5";
      const store = open({}, server.url + params);
      await store.save("T", "k", 1);
      await store.close();
    });

    test("a wrong password is a backend error that never shows the password", async () => {
      const secret = "s3cr3t-Pw-xyzzy";
      const url = kind === "mysql"
        ? server.url.replace("root@", `objstore_nobody:${secret}@`)
        : server.url.replace("postgres@", `objstore_nobody:${secret}@`);
      const store = open({}, url);
      const error = await expectError(store.get("T", "k"), ObjectStoreError, ["BACKEND_ERROR", "BACKEND_UNAVAILABLE"]);
      let text = "";
      for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
        text += `${String(e)} ${(e as Error).stack ?? ""} ${JSON.stringify(e, Object.getOwnPropertyNames(e as object))}`;
      }
      expect(text).not.toContain(secret);
      await store.close();
    });

    test("objectPrefix names the tables; two prefixes never see each other", async () => {
      const a = open({ objectPrefix: "pa" }), b = open({ objectPrefix: "pb" });
      await a.save("T", "k", "a");
      expect(await b.get("T", "k")).toBeUndefined();
      expect(await b.types()).toEqual([]);
      const tables = await server.admin.query(kind === "mysql" ? "SHOW TABLES LIKE 'pa\\_%'" : "SELECT tablename FROM pg_tables WHERE tablename LIKE 'pa\\_%' ORDER BY 1");
      expect(tables.map((row) => String(Object.values(row)[0])).sort()).toEqual(["pa_meta", "pa_objects"]);
      await a.close(), await b.close();
    });

    test("a commit of 150 writes with one stale version writes nothing and names it", async () => {
      const store = open();
      await store.save("T", "k140", "old");
      await store.save("T", "k140", "newer", "1");
      const error = await expectError(
        store.transaction(async (tx) => {
          for (let i = 0; i < 150; i++) {
            if (i === 140) await store.save("T", "k140", "racer", "2"); // wins the race before the commit
            await tx.save("T", `k${i}`, { i }, i === 140 ? "2" : undefined);
          }
        }),
        ObjectStoreError,
        "WRONG_OBJECT_VERSION",
      );
      expect(error.message).toContain("T/k140");
      expect(error.message).toContain("version 3");
      expect((await store.page("T")).pagination.total).toBe(1);
      expect((await store.get("T", "k140"))?.value).toBe("racer");
      await store.close();
    });

    test("a value of 5 MB, a 1024-byte key and a 100-code-point type round-trip", async () => {
      const store = open();
      const big = { text: "x".repeat(5 * 1024 * 1024), n: 1 };
      const key = "é".repeat(512); // 1024 UTF-8 bytes
      const type = "😀".repeat(100); // 400 UTF-8 bytes
      await store.save(type, key, big);
      const got = await store.get(type, key);
      expect(got?.value).toEqual(big);
      expect(await store.types()).toEqual([type]);
      await store.save(type, key, { n: 2 }, "1");
      expect((await store.get(type, key))?.version).toBe("2");
      await store.close();
    }, 60_000);

    test("keys are case-sensitive and trailing spaces count", async () => {
      const store = open();
      for (const key of ["a", "A", "a ", "ä", "Ä"]) await store.save("T", key, key);
      expect((await store.page("T")).result.map((o) => o.value)).toEqual(["A", "a", "a ", "Ä", "ä"]);
      await expectError(store.save("T", "a ", "again"), ObjectStoreError, "OBJECT_EXISTS");
      await store.close();
    });

    test("without the client package the store is UNSUPPORTED, naming the package", async () => {
      const pkg = kind === "mysql" ? "mysql2" : "postgres";
      const missing = () => Promise.reject(new Error(`Cannot find package '${pkg}'`));
      const store = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: server.url }, { loadMysql2: missing, loadPostgres: missing });
      const error = await expectError(store.get("T", "k"), ObjectStoreError, "UNSUPPORTED");
      expect(error.message).toContain(`npm install ${pkg}`);
      let caught: unknown;
      try {
        edgeCreate({ Type: "SQLAlchemy", connectionString: server.url });
      } catch (e) {
        caught = e;
      }
      expect((caught as ObjectStoreError).code).toBe("UNSUPPORTED");
      expect((caught as Error).message).toContain("@objstore/objstore/node");
    });

    test("a connection killed mid-commit leaves nothing partial and reports BACKEND_UNAVAILABLE", async () => {
      const prefix = `kill${++n}`;
      const store = open({ objectPrefix: prefix });
      for (let i = 0; i < 20; i++) await store.save("T", `k${i}`, { i });
      const table = kind === "mysql" ? `\`${prefix}_objects\`` : `"${prefix}_objects"`;
      // A second session holds k10's row lock, so the commit stops in the middle, waiting for it.
      const holder = await lockRow(kind, server, table, "k10");
      const commit = store.transaction(async (tx) => {
        for (let i = 0; i < 20; i++) await tx.save("T", `k${i}`, { i, next: true }, "1");
      });
      const outcome = commit.then(() => undefined, (e: unknown) => e);
      try {
        await killWaiting(kind, server);
      } finally {
        await holder.release();
      }
      const error = await outcome;
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as ObjectStoreError).code).toBe("BACKEND_UNAVAILABLE");
      const all = (await store.page("T", { pagesize: 100 })).result;
      expect(all.map((o) => o.version)).toEqual(Array(20).fill("1"));
      // The store reconnects for the next operation.
      await store.save("T", "k0", { after: true }, "1");
      await store.close();
    }, 60_000);
  });
}

/** Opens a session that locks one row until `release()`. */
async function lockRow(kind: SqlServerKind, server: { port: number; database: string }, table: string, key: string) {
  if (kind === "mysql") {
    const c = await mysql.createConnection({ host: "127.0.0.1", port: server.port, user: "root", database: server.database });
    await c.query("START TRANSACTION");
    await c.query(`SELECT version FROM ${table} WHERE type = 'T' AND \`key\` = ? FOR UPDATE`, [key]);
    return { release: async () => void (await c.query("COMMIT"), await c.end()) };
  }
  const sql = postgres({ host: "127.0.0.1", port: server.port, username: "postgres", database: server.database, max: 1, onnotice: () => {} });
  const reserved = await sql.reserve();
  await reserved.unsafe("BEGIN");
  await reserved.unsafe(`SELECT version FROM ${table} WHERE type = 'T' AND key = $1 FOR UPDATE`, [key]);
  return { release: async () => void (await reserved.unsafe("COMMIT"), reserved.release(), await sql.end({ timeout: 1 })) };
}

/** Waits until a session of the test database waits for a lock, then kills its connection. */
async function killWaiting(kind: SqlServerKind, server: { admin: { query(sql: string): Promise<Record<string, unknown>[]> }; database: string }) {
  for (let i = 0; i < 200; i++) {
    const rows = await server.admin.query(kind === "mysql"
      ? `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = '${server.database}' AND COMMAND = 'Query' AND INFO LIKE 'UPDATE %'`
      : `SELECT pid AS id FROM pg_stat_activity WHERE datname = '${server.database}' AND wait_event_type = 'Lock'`);
    if (rows.length > 0) {
      for (const row of rows) await server.admin.query(kind === "mysql" ? `KILL ${Number(row.id)}` : `SELECT pg_terminate_backend(${Number(row.id)})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const sessions = await server.admin.query(kind === "mysql" ? "SHOW PROCESSLIST" : "SELECT pid, state, wait_event_type, query FROM pg_stat_activity");
  throw new Error(`no session waited for the lock: ${JSON.stringify(sessions)}`);
}
