/**
 * The small client interface the SQL layer runs on: one statement, or several atomically.
 * Each dialect file adapts its database client to it (libSQL's `Client`, mysql2, postgres.js);
 * a D1 binding fits it too (`prepare().bind().all()`, `batch()`).
 *
 * @module
 */

/** A bound parameter: statements only ever bind text, numbers and NULL. */
export type SqlValue = string | number | null;

/** One statement with `?` placeholders, bound in order. */
export interface SqlStatement {
  sql: string;
  args: SqlValue[];
}

/** A result row by column name. */
export type SqlRow = Record<string, unknown>;

/**
 * What the layer needs from a database connection.
 *
 * @example
 * ```ts
 * const rows = await client.execute({ sql: "SELECT 1 AS one", args: [] });
 * ```
 */
export interface SqlClient {
  /** Runs one statement (atomic on its own) and returns its rows. */
  execute(statement: SqlStatement): Promise<SqlRow[]>;
  /**
   * Runs the statements as one transaction, in one round trip where the database allows it,
   * and returns each statement's rows. A failing statement fails the call and nothing is kept.
   */
  batch(statements: SqlStatement[], mode: "read" | "write"): Promise<SqlRow[][]>;
  /** Closes the connection(s). */
  close(): Promise<void>;
  /**
   * Whether a commit of one statement also goes through `batch` (explicit BEGIN … COMMIT):
   * where a connection can be left unable to commit (libSQL's native client after a busy
   * error), a single statement's implicit commit would fail unseen while the call reports
   * success; an explicit COMMIT fails loudly instead.
   */
  readonly batchSingleWrites?: boolean;
}
