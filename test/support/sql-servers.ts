/**
 * MariaDB/MySQL and PostgreSQL for tests. A server already running on this machine
 * (127.0.0.1:3306 as root without a password, 127.0.0.1:5432 as postgres with trust) is used;
 * otherwise, when the server's binaries are installed (Debian's mariadb-server / postgresql),
 * a private instance is started in a temp folder on a free port and stopped afterwards. Each
 * test file gets a fresh database with a random name, dropped after its tests.
 *
 * Without a server the tests say why and skip; under `CI=true` they fail instead.
 * `OBJSTORE_TEST_PRIVATE_SQL=1` ignores a running server and starts a private one (to check
 * that path on a machine that has both).
 *
 * @example
 * ```ts
 * const server = await useSqlServer("postgres");
 * if (server.ready) conformance("PostgreSQL", (o) => createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: server.url }, o));
 * ```
 * @module
 */
import { afterAll, test } from "bun:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { freePort } from "./net.ts";

/** Which server. */
export type SqlServerKind = "mysql" | "postgres";

/** A server ready for a test file, or the reason it is not. */
export type SqlServer =
  | { ready: true; kind: SqlServerKind; host: string; port: number; database: string; /** SQLAlchemy URL of the fresh database. */ url: string; admin: AdminSql }
  | { ready: false; kind: SqlServerKind; reason: string };

/** Runs SQL as the server's admin user in the test database (for checks and fault injection). */
export interface AdminSql {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

const DEFAULT_PORT: Record<SqlServerKind, number> = { mysql: 3306, postgres: 5432 };
const NAME: Record<SqlServerKind, string> = { mysql: "MariaDB/MySQL", postgres: "PostgreSQL" };

async function reachable(kind: SqlServerKind, port: number): Promise<boolean> {
  try {
    if (kind === "mysql") {
      const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "root", connectTimeout: 3000 });
      await c.end();
    } else {
      const sql = postgres({ host: "127.0.0.1", port, username: "postgres", database: "postgres", connect_timeout: 3, onnotice: () => {}, max: 1 });
      await sql`SELECT 1`;
      await sql.end({ timeout: 1 });
    }
    return true;
  } catch {
    return false;
  }
}

function which(names: string[]): string | undefined {
  for (const name of names) {
    if (name.startsWith("/") && existsSync(name)) return name;
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout?.trim();
    if (found) return found;
  }
  return undefined;
}

async function waitFor(kind: SqlServerKind, port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) return false;
    if (await reachable(kind, port)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Starts a private server from installed binaries; returns its port and how to stop it, or why not. */
async function startPrivate(kind: SqlServerKind): Promise<{ port: number; stop: () => void } | string> {
  const dir = mkdtempSync(join(tmpdir(), `objstore-${kind}-`));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  let child: ChildProcess;
  if (kind === "mysql") {
    const install = which(["mariadb-install-db", "mysql_install_db"]);
    const server = which(["mariadbd", "mysqld", "/usr/sbin/mariadbd", "/usr/sbin/mysqld"]);
    if (!install || !server) return "no MariaDB/MySQL server on 127.0.0.1:3306 and no mariadbd binary (apt-get install mariadb-server)";
    const init = spawnSync(install, ["--no-defaults", `--datadir=${dir}/data`, "--auth-root-authentication-method=normal", ...(asRoot ? ["--user=root"] : [])], { encoding: "utf8" });
    if (init.status !== 0) return `mariadb-install-db failed: ${init.stderr}`;
    child = spawn(server, ["--no-defaults", `--datadir=${dir}/data`, `--port=${port}`, "--bind-address=127.0.0.1", `--socket=${dir}/sock`,
      ...(asRoot ? ["--user=root"] : [])], { stdio: "ignore" });
  } else {
    const bins = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").map((v) => `/usr/lib/postgresql/${v}/bin`) : [];
    const initdb = which(["initdb", ...bins.map((b) => `${b}/initdb`)]);
    const server = which(["postgres", ...bins.map((b) => `${b}/postgres`)]);
    if (!initdb || !server) return "no PostgreSQL server on 127.0.0.1:5432 and no postgres binary (apt-get install postgresql)";
    // PostgreSQL refuses to run as root: run it as the postgres user when we are root.
    const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);
    if (asRoot) spawnSync("chown", ["postgres", dir]);
    const [ic, ia] = wrap(initdb, ["-D", `${dir}/data`, "-U", "postgres", "--auth=trust"]);
    const init = spawnSync(ic, ia, { encoding: "utf8" });
    if (init.status !== 0) return `initdb failed: ${init.stderr}`;
    const [sc, sa] = wrap(server, ["-D", `${dir}/data`, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"]);
    child = spawn(sc, sa, { stdio: "ignore" });
  }
  const stop = () => {
    child.kill("SIGTERM");
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 2000).unref?.();
  };
  if (!(await waitFor(kind, port, child))) {
    stop();
    return `started ${NAME[kind]} from its binaries, but it did not accept connections`;
  }
  return { port, stop };
}

function adminFor(kind: SqlServerKind, port: number, database: string): { admin: AdminSql; end: () => Promise<void> } {
  if (kind === "mysql") {
    const pool = mysql.createPool({ host: "127.0.0.1", port, user: "root", database, connectionLimit: 2 });
    return { admin: { query: async (sql) => (await pool.query(sql))[0] as Record<string, unknown>[] }, end: () => pool.end() };
  }
  const sql = postgres({ host: "127.0.0.1", port, username: "postgres", database, onnotice: () => {}, max: 2 });
  return { admin: { query: async (text) => [...(await sql.unsafe(text))] as Record<string, unknown>[] }, end: () => sql.end({ timeout: 1 }) };
}

async function serverAdmin(kind: SqlServerKind, port: number, statement: string): Promise<void> {
  if (kind === "mysql") {
    const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "root" });
    await c.query(statement);
    await c.end();
  } else {
    const sql = postgres({ host: "127.0.0.1", port, username: "postgres", database: "postgres", onnotice: () => {}, max: 1 });
    await sql.unsafe(statement);
    await sql.end({ timeout: 1 });
  }
}

/**
 * A server with a fresh database for this test file (dropped, and a private server stopped,
 * after the file's tests). Not ready: the reason is printed, and under CI=true a failing test
 * says it.
 */
export async function useSqlServer(kind: SqlServerKind): Promise<SqlServer> {
  let port = DEFAULT_PORT[kind];
  let stop: (() => void) | undefined;
  const privateOnly = process.env.OBJSTORE_TEST_PRIVATE_SQL === "1";
  if (privateOnly || !(await reachable(kind, port))) {
    const started = await startPrivate(kind);
    if (typeof started === "string") {
      const reason = `${NAME[kind]} unavailable: ${started}`;
      console.warn(`SKIPPING ${NAME[kind]} tests: ${reason}`);
      if (process.env.CI === "true") test(`${NAME[kind]} is available (CI requires it)`, () => {
        throw new Error(reason);
      });
      return { ready: false, kind, reason };
    }
    ({ port, stop } = started);
  }
  const database = `objstore_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await serverAdmin(kind, port, `CREATE DATABASE ${database}`);
  // Tests need no durability: PostgreSQL then waits for no fsync per commit (semantics unchanged).
  if (kind === "postgres") await serverAdmin(kind, port, `ALTER DATABASE ${database} SET synchronous_commit = off`);
  const { admin, end } = adminFor(kind, port, database);
  afterAll(async () => {
    await end();
    await serverAdmin(kind, port, kind === "mysql" ? `DROP DATABASE ${database}` : `DROP DATABASE ${database} WITH (FORCE)`).catch((e) => console.warn(`dropping ${database}: ${e}`));
    stop?.();
  }, 120_000);
  const url = kind === "mysql" ? `mysql+pymysql://root@127.0.0.1:${port}/${database}` : `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return { ready: true, kind, host: "127.0.0.1", port, database, url, admin };
}
