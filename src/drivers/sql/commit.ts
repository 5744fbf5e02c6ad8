/**
 * What every dialect's commit shares: the conflict report a failed condition raises, the
 * stored search text, and (for dialects that count affected rows: MySQL, PostgreSQL) the
 * statements of a commit, each write followed by its check inside the same transaction.
 *
 * @module
 */
import type { DriverRecord, Expect, Write } from "../../driver.ts";
import { searchText } from "../../query.ts";
import type { JsonValue } from "../../types.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import type { Tables } from "./schema.ts";

const CONFLICT = /objstore-conflict:(\d+):(\d+|-)/;
/** The form that names the write by its type and key (hex of their UTF-8) instead of its index. */
const CONFLICT_AT_KEY = /objstore-conflict-key:([0-9A-F]+):([0-9A-F]+):(\d+|-)/;

/**
 * The write index and found version a failed check reported, if `error` is one. Each dialect
 * makes its check fail with an error whose message spells `objstore-conflict:<index>:<version or ->`,
 * or (SQLite's creates, see sqlite-commit.ts) `objstore-conflict-key:<hex type>:<hex key>:<version>`,
 * which names the put of `writes` with that type and key.
 *
 * @example
 * ```ts
 * parseConflict(new Error("bad JSON path: 'objstore-conflict:2:7'")); // { index: 2, current: "7" }
 * ```
 */
export function parseConflict(error: unknown, writes: readonly Write[] = []): { index: number; current: string | undefined } | undefined {
  const message = error instanceof Error ? error.message : undefined;
  if (message === undefined) return undefined;
  const match = CONFLICT.exec(message);
  if (match) return { index: Number(match[1]), current: match[2] === "-" ? undefined : match[2] };
  const at = CONFLICT_AT_KEY.exec(message);
  if (!at) return undefined;
  const type = fromHex(at[1]!);
  const key = fromHex(at[2]!);
  const index = writes.findIndex((w) => w.op === "put" && w.type === type && w.key === key);
  return index < 0 ? undefined : { index, current: at[3] === "-" ? undefined : at[3] };
}

/** The text whose UTF-8 bytes `hex` spells (SQL's `hex()`). */
function fromHex(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder().decode(bytes);
}

/**
 * The search column: NULL when the text is pure ASCII (the database's ASCII lower() then
 * matches `searchText` exactly), else `searchText(key, value)`.
 *
 * @example
 * ```ts
 * searchColumn("k", '"ä"', "ä"); // "k\n\"ä\""
 * ```
 */
export function searchColumn(key: string, json: string, value: JsonValue): string | null {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(key) && /^[\x00-\x7f]*$/.test(json) ? null : searchText(key, value);
}

/** What a row-counting dialect (MySQL, PostgreSQL) says for {@link checkedCommit}. */
export interface RowCountSql {
  /** The key column as written in SQL. */
  key: string;
  /** `INSERT … VALUES (…)` suffix that does nothing (and counts 0 rows) when the row exists. */
  insertIfAbsent: string;
  /** `INSERT … VALUES (…)` suffix that replaces every column but type and key when the row exists. */
  upsert: string;
  /**
   * `write` (or, without one, nothing) followed by a check that raises the conflict error for
   * `index` unless `write` changed exactly one row (without a write: unless the row is absent).
   * With `returning`, the last statement returns that column of the row.
   */
  checked(t: Tables, write: SqlStatement | undefined, index: number, type: string, key: string, returning?: string): SqlStatement[];
}

type Put = Extract<Write, { op: "put" }>;

function putArgs(write: Put): SqlValue[] {
  const { record } = write;
  const json = JSON.stringify(record.value);
  return [write.type, write.key, json, record.version, record.created, record.updated, searchColumn(write.key, json, record.value)];
}

function insert(s: RowCountSql, t: Tables, write: Put, suffix: string): SqlStatement {
  return {
    sql: `INSERT INTO ${t.objects} (type, ${s.key}, value, version, created, updated, search) VALUES (?, ?, ?, ?, ?, ?, ?) ${suffix}`,
    args: putArgs(write),
  };
}

function update(s: RowCountSql, t: Tables, type: string, key: string, record: Omit<DriverRecord, "created"> & { created?: string }, expect: Expect): SqlStatement {
  const json = JSON.stringify(record.value);
  const args: SqlValue[] = [json, record.version, record.updated, searchColumn(key, json, record.value)];
  let sql = `UPDATE ${t.objects} SET value = ?, version = ?, updated = ?, search = ?`;
  if (record.created !== undefined) {
    sql += ", created = ?";
    args.push(record.created);
  }
  sql += ` WHERE type = ? AND ${s.key} = ?`;
  args.push(type, key);
  if ("version" in expect) {
    sql += " AND version = ?";
    args.push(expect.version);
  }
  return { sql, args };
}

function putStatements(s: RowCountSql, t: Tables, write: Put, index: number): SqlStatement[] {
  const { expect } = write;
  if ("any" in expect) return [insert(s, t, write, s.upsert)];
  const statement = "absent" in expect ? insert(s, t, write, s.insertIfAbsent) : update(s, t, write.type, write.key, write.record, expect);
  return s.checked(t, statement, index, write.type, write.key);
}

function deleteStatements(s: RowCountSql, t: Tables, write: Extract<Write, { op: "delete" }>, index: number): SqlStatement[] {
  const { expect, type, key } = write;
  const statement: SqlStatement = { sql: `DELETE FROM ${t.objects} WHERE type = ? AND ${s.key} = ?`, args: [type, key] };
  if ("any" in expect) return [statement];
  if ("absent" in expect) return s.checked(t, undefined, index, type, key);
  if ("version" in expect) {
    statement.sql += " AND version = ?";
    statement.args.push(expect.version);
  }
  return s.checked(t, statement, index, type, key);
}

/**
 * The statements of a commit for a row-counting dialect, in write order: each conditional
 * write is a plain UPDATE / DELETE / INSERT whose own WHERE (or key uniqueness) is the
 * condition, read by the database under the row's lock, and the check right after it turns
 * "no row changed" into the conflict error, so the transaction stops and keeps nothing.
 *
 * @example
 * ```ts
 * await client.batch(checkedCommit(mysqlRowCount, tables, writes), "write");
 * ```
 */
export function checkedCommit(s: RowCountSql, t: Tables, writes: readonly Write[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  writes.forEach((write, index) => {
    if (write.op === "truncate") statements.push({ sql: `DELETE FROM ${t.objects} WHERE type = ?`, args: [write.type] });
    else if (write.op === "put") statements.push(...putStatements(s, t, write, index));
    else statements.push(...deleteStatements(s, t, write, index));
  });
  return statements;
}

/**
 * A versioned replace keeping `created`, for a row-counting dialect: the UPDATE at `version`,
 * its check, and `created` returned by the last statement.
 *
 * @example
 * ```ts
 * const statements = checkedReplace(pgRowCount, tables, "T", "k", "3", record);
 * ```
 */
export function checkedReplace(s: RowCountSql, t: Tables, type: string, key: string, version: string, record: Omit<DriverRecord, "created">): SqlStatement[] {
  return s.checked(t, update(s, t, type, key, record, { version }), 0, type, key, "created");
}
