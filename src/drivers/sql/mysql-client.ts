/**
 * The SQL layer's client over a mysql2 promise pool (`mysql2/promise`). A batch is one
 * multi-statement query `START TRANSACTION; …; COMMIT` on one pooled connection: one round
 * trip; when a statement fails the server stops there and the transaction is rolled back.
 * Parameters are escaped by mysql2 (client side, with backslash escapes: every connection sets
 * its own sql_mode, so NO_BACKSLASH_ESCAPES is never on).
 *
 * @module
 */
import type { SqlClient, SqlRow, SqlStatement } from "./client.ts";

/** The part of a mysql2 promise connection the client uses. */
export interface Mysql2Connection {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  format(sql: string, values: unknown[]): string;
  release(): void;
  destroy(): void;
}

/** The part of a mysql2 promise pool the client uses. */
export interface Mysql2Pool {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  getConnection(): Promise<Mysql2Connection>;
  end(): Promise<void>;
  on(event: "connection", listener: (connection: { query(sql: string, callback: (error: unknown) => void): unknown }) => void): unknown;
}

/** The part of `mysql2/promise` the MySQL driver uses. */
export interface Mysql2Module {
  createPool(options: Record<string, unknown>): Mysql2Pool;
}

/**
 * What each new connection runs first: strict mode without NO_BACKSLASH_ESCAPES (mysql2's
 * escaping needs backslash escapes), and READ COMMITTED, so a check reads the latest committed
 * row and InnoDB takes no gap locks.
 */
export const MYSQL_SESSION = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'; SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

const rowsOf = (result: unknown): SqlRow[] => (Array.isArray(result) ? result as SqlRow[] : []);

/** A multi-statement call's result: one entry (rows or a ResultSetHeader) per statement. */
const isMulti = (result: unknown): result is unknown[] =>
  Array.isArray(result) && result.length > 0 && (Array.isArray(result[0]) || (result[0] as object)?.constructor?.name === "ResultSetHeader");

/**
 * A {@link SqlClient} over a mysql2 pool created with `multipleStatements: true`.
 *
 * @example
 * ```ts
 * const pool = (await import("mysql2/promise")).createPool({ uri, multipleStatements: true, flags: ["-FOUND_ROWS"] });
 * const client = mysqlSqlClient(pool);
 * ```
 */
export function mysqlSqlClient(pool: Mysql2Pool): SqlClient {
  pool.on("connection", (connection) => connection.query(MYSQL_SESSION, () => {}));
  return {
    async execute(s: SqlStatement) {
      const [rows] = await pool.query(s.sql, s.args);
      // Several statements in one (a single write and its check): the last one's rows.
      return rowsOf(isMulti(rows) ? rows[rows.length - 1] : rows);
    },
    async batch(statements, mode) {
      const connection = await pool.getConnection();
      const text = [mode === "read" ? "START TRANSACTION READ ONLY" : "START TRANSACTION"];
      for (const s of statements) text.push(connection.format(s.sql, s.args));
      text.push("COMMIT");
      let results: unknown;
      try {
        [results] = await connection.query(text.join(";\n"));
      } catch (error) {
        try {
          await connection.query("ROLLBACK");
          connection.release();
        } catch {
          connection.destroy(); // the connection is gone; the server rolled back
        }
        throw error;
      }
      connection.release();
      return (results as unknown[]).slice(1, -1).map(rowsOf);
    },
    close: () => pool.end(),
  };
}
