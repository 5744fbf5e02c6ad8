/**
 * The connection the original-layout SQL driver runs on: single statements that report the rows
 * they changed, and either interactive transactions (MySQL: a conditional write's affected-row
 * count decides whether the commit goes on) or atomic batches (SQLite: guard statements decide).
 * Adapters over a mysql2 pool and a libSQL client.
 *
 * @module
 */
import type { Client, ResultSet } from "@libsql/client/web";
import type { SqlRow, SqlStatement } from "./client.ts";
import { replacingClient } from "../libsql/replacing.ts";
import { MYSQL_SESSION, type Mysql2Pool } from "./mysql-client.ts";

/** What one statement returned. */
export interface SqlResult {
  rows: SqlRow[];
  /** Rows inserted, deleted or matched by an UPDATE. */
  affected: number;
}

/** Runs statements (inside a transaction, or alone). */
export interface SqlRunner {
  execute(statement: SqlStatement): Promise<SqlResult>;
}

/** A connection with interactive transactions or atomic batches (the driver commits with `batch` when there is one). */
export interface OriginalSqlConnection extends SqlRunner {
  /** Runs `fn` in one write transaction: committed when it returns, rolled back when it throws. */
  transaction?<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs the statements as one write transaction in one call, holding no lock between awaits.
   * A failing statement fails the call (its error's `statementIndex` says which) and nothing is kept.
   */
  batch?(statements: SqlStatement[]): Promise<SqlResult[]>;
  close(): Promise<void>;
}

const mysqlResult = (result: unknown): SqlResult =>
  Array.isArray(result)
    ? { rows: result as SqlRow[], affected: 0 }
    : { rows: [], affected: Number((result as { affectedRows?: number } | undefined)?.affectedRows ?? 0) };

/**
 * Over a mysql2 pool created with the `FOUND_ROWS` flag (an UPDATE counts the rows it matched).
 *
 * @example
 * ```ts
 * const connection = mysqlOriginalConnection(mysql.createPool({ uri, flags: ["FOUND_ROWS"] }));
 * ```
 */
export function mysqlOriginalConnection(pool: Mysql2Pool): OriginalSqlConnection {
  pool.on("connection", (connection) => connection.query(MYSQL_SESSION, () => {}));
  return {
    async execute(s) {
      const [result] = await pool.query(s.sql, s.args);
      return mysqlResult(result);
    },
    async transaction(fn) {
      const connection = await pool.getConnection();
      let begun = false;
      try {
        await connection.query("START TRANSACTION");
        begun = true;
        const out = await fn({ execute: async (s) => mysqlResult((await connection.query(s.sql, s.args))[0]) });
        await connection.query("COMMIT");
        connection.release();
        return out;
      } catch (error) {
        try {
          if (begun) await connection.query("ROLLBACK");
          connection.release();
        } catch {
          connection.destroy(); // the connection is gone; the server rolled back
        }
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Over a libSQL client (a local SQLite file, or sqld over HTTP). Commits are batches.
 *
 * With `reopen` (a local file), a statement failing with SQLITE_BUSY or SQLITE_LOCKED replaces
 * the client with `reopen()`'s (see src/drivers/libsql/replacing.ts: the native client leaves
 * such a statement active, and every COMMIT on its connection then fails with "cannot commit
 * transaction - SQL statements in progress").
 *
 * @example
 * ```ts
 * const open = () => createClient({ url: "file:app.db", timeout: 5000 });
 * const connection = libsqlOriginalConnection(open(), open);
 * ```
 */
export function libsqlOriginalConnection(client: Client, reopen?: () => Client | Promise<Client>): OriginalSqlConnection {
  const clients = replacingClient(client, reopen);
  const result = (r: ResultSet): SqlResult => ({ rows: r.rows as unknown as SqlRow[], affected: r.rowsAffected });
  return {
    execute: (s) => clients.use(async (c) => result(await c.execute({ sql: s.sql, args: s.args }))),
    batch: (statements) => clients.use(async (c) => (await c.batch(statements.map((s) => ({ sql: s.sql, args: s.args })), "write")).map(result)),
    close: () => clients.close(),
  };
}

/**
 * Switches a SQLite file to WAL journal mode, as objstore's own layout does: readers never hold
 * off a writer's commit (in rollback-journal mode a COMMIT waits for every reader of the file).
 *
 * @example
 * ```ts
 * await useWal(libsqlOriginalConnection(createClient({ url: "file:app.db" })));
 * ```
 */
export async function useWal(connection: SqlRunner): Promise<void> {
  await connection.execute({ sql: "PRAGMA journal_mode = WAL", args: [] });
}
