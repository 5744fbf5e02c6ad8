/**
 * The connection the original-layout SQL driver runs on: single statements that report the rows
 * they changed, and interactive transactions (a conditional write's affected-row count decides
 * whether the commit goes on). Adapters over a mysql2 pool and a libSQL client.
 *
 * @module
 */
import type { Client, Transaction } from "@libsql/client/web";
import type { SqlRow, SqlStatement } from "./client.ts";
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

/** A connection with interactive transactions. */
export interface OriginalSqlConnection extends SqlRunner {
  /** Runs `fn` in one write transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
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
 * Over a libSQL client (a local SQLite file, or sqld over HTTP).
 *
 * @example
 * ```ts
 * const connection = libsqlOriginalConnection(createClient({ url: "file:app.db" }));
 * ```
 */
export function libsqlOriginalConnection(client: Client): OriginalSqlConnection {
  const run = async (on: Client | Transaction, s: SqlStatement): Promise<SqlResult> => {
    const result = await on.execute({ sql: s.sql, args: s.args });
    return { rows: result.rows as unknown as SqlRow[], affected: result.rowsAffected };
  };
  return {
    execute: (s) => run(client, s),
    async transaction(fn) {
      const tx = await client.transaction("write");
      try {
        const out = await fn({ execute: (s) => run(tx, s) });
        await tx.commit();
        return out;
      } catch (error) {
        await tx.rollback().catch(() => {});
        throw error;
      } finally {
        tx.close();
      }
    },
    close: async () => client.close(),
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
