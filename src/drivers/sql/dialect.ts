/**
 * What a SQL dialect says (STYLE: "one SQL layer, small dialects"): quoting, the schema, the
 * expressions for search and typed sort, how a commit's conditions are checked inside its
 * atomic step, and how its errors read. Everything else (statements, paging, cursors, counts,
 * retries, error mapping) lives once in the layer.
 *
 * @module
 */
import type { DriverRecord, Write } from "../../driver.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import type { Tables } from "./schema.ts";

/**
 * A sort field's SQL: its rank (0 missing/null, 1 false, 2 true, 3 number, 4 string,
 * 5 array/object) and the value it compares by within a rank: one `value` that compares
 * correctly within each rank (SQLite), or a `number` (rank 3) and a `text` (ranks 4, 5).
 */
export type FieldSql = { rank: string; value: string } | {
  rank: string;
  number: string;
  text: string;
  /** The expression (one `?`, a value's JSON text) an array/object compares against in `text`. @default "?" */
  json?: string;
};

/** How errors of one database read. */
export interface DialectErrors {
  /** The error's code (a SQLSTATE, errno or client code), for messages. */
  code(error: unknown): string | undefined;
  /** True when the whole step was rolled back and may simply be run again (lock busy, deadlock, serialization failure). */
  retryable(error: unknown): boolean;
  /** True when the database could not be reached or the connection was lost. */
  unavailable(error: unknown): boolean;
}

/** A SQL dialect: SQLite (libSQL, D1), MySQL/MariaDB or PostgreSQL. */
export interface SqlDialect {
  /** Shown in error messages: "libSQL", "MySQL", "PostgreSQL". */
  readonly name: string;
  /** Quotes an identifier. */
  quote(name: string): string;
  /** The key column as written in SQL (`key` is reserved in MySQL). */
  readonly key: string;
  /** Reads a stored type or key column as text. */
  text(column: string): string;
  /**
   * Statements that create the tables when missing and end with a SELECT of the stored
   * schema version (column `value`), run as one batch.
   */
  schema(tables: Tables, version: number): SqlStatement[];
  /** A predicate with one `?` (a lower-cased term) that holds when the object's search text contains it. */
  readonly contains: string;
  /** The rank and comparable value of top-level field `field` of `value`, pushing its parameters to `args`. */
  field(field: string, args: SqlValue[]): FieldSql;
  /** The statements of a commit; a failed condition raises an error whose message holds `objstore-conflict:<index>:<version or ->`. */
  commit(tables: Tables, writes: readonly Write[]): SqlStatement[];
  /** Replaces the object at `version` keeping its `created`; the last statement returns `created`. */
  replace(tables: Tables, type: string, key: string, version: string, record: Omit<DriverRecord, "created">): SqlStatement[];
  readonly errors: DialectErrors;
}
