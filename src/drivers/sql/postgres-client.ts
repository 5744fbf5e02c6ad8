/**
 * The SQL layer's client over postgres.js (`postgres`). A statement runs as a prepared query
 * (`$1`… parameters). A batch is one multi-statement simple query: PostgreSQL runs it as one
 * implicit transaction in one round trip and rolls all of it back when a statement fails; its
 * values are written as escaped literals (`E'…'`, which reads the same whatever
 * standard_conforming_strings says).
 *
 * @module
 */
import type { SqlClient, SqlRow, SqlStatement, SqlValue } from "./client.ts";

/** The part of a postgres.js query the client uses. */
export interface PostgresQuery extends Promise<unknown> {
  simple(): Promise<unknown>;
}

/** The part of a postgres.js `sql` instance the client uses. */
export interface PostgresSql {
  unsafe(query: string, parameters?: unknown[], options?: { prepare?: boolean }): PostgresQuery;
  end(options?: { timeout?: number }): Promise<void>;
}

/** The default export of `postgres`: makes an `sql` instance from options. */
export type PostgresFactory = (options: Record<string, unknown>) => PostgresSql;

/** `?` placeholders as `$1`, `$2`, … (statements never hold a `?` of their own). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A value as a literal: E-strings escape `\` and `'`; numbers are parenthesised (negative ones too). */
function literal(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("non-finite number in a statement");
    return `(${String(value)})`;
  }
  return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * A statement with its values written in (for the simple query protocol).
 *
 * @example
 * ```ts
 * inline({ sql: "SELECT ? AS a", args: ["it's"] }); // "SELECT E'it''s' AS a"
 * ```
 */
export function inline(s: SqlStatement): string {
  let i = 0;
  return s.sql.replace(/\?/g, () => literal(s.args[i++] ?? null));
}

/**
 * A {@link SqlClient} over a postgres.js `sql` instance.
 *
 * @example
 * ```ts
 * const client = postgresSqlClient(postgres({ host: "127.0.0.1", database: "app", onnotice: () => {} }));
 * ```
 */
export function postgresSqlClient(sql: PostgresSql): SqlClient {
  return {
    async execute(s) {
      return (await sql.unsafe(numbered(s.sql), s.args, { prepare: true })) as SqlRow[];
    },
    async batch(statements) {
      const results = await sql.unsafe(statements.map(inline).join(";\n")).simple();
      // One statement gives its rows; several give one result per statement.
      return (statements.length === 1 ? [results] : results) as SqlRow[][];
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
