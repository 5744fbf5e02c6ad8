/**
 * The original layout's commits. Every write is conditional and its condition is checked inside
 * the commit's one transaction, after the writes before it:
 *
 * - MySQL/MariaDB ({@link transactionCommit}): an interactive transaction of conditional writes
 *   (`UPDATE … AND objectVersion = ?`, `DELETE … AND objectVersion = ?`, an INSERT the unique
 *   index refuses), each checked by its affected-row count.
 * - SQLite ({@link batchStatements}): one batch, run by the client in a single call, so no lock
 *   is held between awaits. Each condition is a guard statement before its write that fails
 *   when the condition does not hold, with an error spelling `objstore-conflict:<index>:<version
 *   or ->` (json_extract of a deliberately invalid path, in the CASE branch taken only then); the
 *   failed statement aborts the batch and nothing is written.
 *
 * @module
 */
import { CommitConflict, type Expect, type Write } from "../../driver.ts";
import { InvalidInputError } from "../../errors.ts";
import { pythonIso, pythonJson, versionNumber } from "../../original/formats.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import type { SqlRunner } from "./original-client.ts";
import type { OriginalFlavor } from "./original-schema.ts";

/** The table a commit writes, and how its rows are found. */
export interface OriginalTable {
  flavor: OriginalFlavor;
  /** The quoted `<prefix>_objData`. */
  table: string;
  /** `type = ? AND key = ?` (bytes compared), pushing its arguments; the key is optional. */
  where(type: string, key: string | undefined, args: SqlValue[]): string;
}

/** A statement of a SQLite commit, with the index of the write it belongs to. */
export type CommitStatement = SqlStatement & { write: number };

type KeyWrite = Exclude<Write, { op: "truncate" }>;
type Put = Extract<Write, { op: "put" }>;

/** An objstore stamp as the DATETIME column's text (UTC, microseconds). */
const dateTime = (stamp: string) => `${stamp.slice(0, 10)} ${stamp.slice(11, 23)}000`;

/** Stored versions are integers: a version that is not an integer's canonical text ("02", "1.5") never matches. */
function isCanonicalVersion(version: string): boolean {
  const n = Number(version);
  return Number.isSafeInteger(n) && n >= 1 && String(n) === version;
}

/**
 * The error for a key that the unique index refuses although no row has exactly that key.
 *
 * @example
 * ```ts
 * throw keyCollision("Person", "ABC");
 * ```
 */
export function keyCollision(type: string, key: string): InvalidInputError {
  return new InvalidInputError("INVALID_KEY", `Key ${JSON.stringify(key)} of type ${JSON.stringify(type)} collides with a stored key that differs from it only in letter case or trailing spaces: the original layout's table compares keys case-insensitively (its collation), so it cannot hold both`);
}

const insertSql = (t: OriginalTable, tail: string) => {
  const q = t.flavor.quote;
  return `INSERT INTO ${t.table} (type, ${q("key")}, ${q("objectDICT")}, ${q("objectVersion")}, ${q("creationDate")}, ${q("lastUpdateDate")}, ${q("creationDate_iso8601")}, ${q("lastUpdateDate_iso8601")}) ${tail}`;
};
const insertArgs = ({ type, key, record }: Put): SqlValue[] =>
  [type, key, pythonJson(record.value), versionNumber(record.version), dateTime(record.created), dateTime(record.updated), pythonIso(record.created), pythonIso(record.updated)];

/**
 * `UPDATE … SET` of a put, without its WHERE. The original keeps the creation date on update:
 * only the value, version and update date change. A record at version 1 replacing a stored one
 * is a new incarnation (a remove and a save in one transaction): its creation date is new.
 */
function updateSql(t: OriginalTable, { expect, record }: Put, args: SqlValue[]): string {
  const q = t.flavor.quote;
  const version = versionNumber(record.version);
  args.push(pythonJson(record.value), version, dateTime(record.updated), pythonIso(record.updated));
  let sql = `UPDATE ${t.table} SET ${q("objectDICT")} = ?, ${q("objectVersion")} = ?, ${q("lastUpdateDate")} = ?, ${q("lastUpdateDate_iso8601")} = ?`;
  if ("any" in expect || version === 1) {
    sql += `, ${q("creationDate")} = ?, ${q("creationDate_iso8601")} = ?`;
    args.push(dateTime(record.created), pythonIso(record.created));
  }
  return sql;
}

const currentVersion = async (t: OriginalTable, tx: SqlRunner, type: string, key: string): Promise<string | undefined> => {
  const args: SqlValue[] = [];
  const { rows } = await tx.execute({ sql: `SELECT ${t.flavor.quote("objectVersion")} AS v FROM ${t.table} WHERE ${t.where(type, key, args)}`, args });
  return rows[0] === undefined ? undefined : String(Number(rows[0].v));
};

/** Applies one write inside the transaction; false when its condition does not hold. */
async function apply(t: OriginalTable, tx: SqlRunner, write: Write): Promise<boolean> {
  const q = t.flavor.quote;
  if (write.op === "truncate") {
    const args: SqlValue[] = [];
    await tx.execute({ sql: `DELETE FROM ${t.table} WHERE ${t.where(write.type, undefined, args)}`, args });
    return true;
  }
  const { type, key } = write;
  const expect: Expect = write.expect;
  if ("version" in expect && !isCanonicalVersion(expect.version)) return false;
  if (write.op === "delete") {
    if ("absent" in expect) return (await currentVersion(t, tx, type, key)) === undefined;
    const args: SqlValue[] = [];
    let sql = `DELETE FROM ${t.table} WHERE ${t.where(type, key, args)}`;
    if ("version" in expect) {
      sql += ` AND ${q("objectVersion")} = ?`;
      args.push(Number(expect.version));
    }
    const { affected } = await tx.execute({ sql, args });
    return affected > 0 || "any" in expect;
  }
  const insert = async (): Promise<boolean> => {
    try {
      await tx.execute({ sql: insertSql(t, "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), args: insertArgs(write) });
      return true;
    } catch (e) {
      if (!t.flavor.duplicate(e)) throw e;
      if ((await currentVersion(t, tx, type, key)) !== undefined) return false;
      throw keyCollision(type, key);
    }
  };
  if ("absent" in expect) return insert();
  const args: SqlValue[] = [];
  let sql = updateSql(t, write, args);
  sql += ` WHERE ${t.where(type, key, args)}`;
  if ("version" in expect) {
    sql += ` AND ${q("objectVersion")} = ?`;
    args.push(Number(expect.version));
  }
  const { affected } = await tx.execute({ sql, args });
  if (affected > 0) return true;
  return "any" in expect ? insert() : false;
}

/**
 * Runs the writes in the open transaction `tx` (MySQL); throws {@link CommitConflict} at the
 * first write whose condition does not hold, with the version stored there.
 *
 * @example
 * ```ts
 * await connection.transaction((tx) => transactionCommit(table, tx, writes));
 * ```
 */
export async function transactionCommit(t: OriginalTable, tx: SqlRunner, writes: readonly Write[]): Promise<void> {
  for (const [index, write] of writes.entries()) {
    if (await apply(t, tx, write)) continue;
    const w = write as KeyWrite;
    throw new CommitConflict(index, await currentVersion(t, tx, w.type, w.key));
  }
}

/** The guard of `expect` for the write at `index`; undefined for `{ any: true }` (no condition). */
function guard(t: OriginalTable, expect: Expect, index: number, type: string, key: string): CommitStatement | undefined {
  if ("any" in expect) return undefined;
  const args: SqlValue[] = [];
  let condition: string;
  if ("absent" in expect) condition = "v IS NULL";
  else if ("present" in expect) condition = "v IS NOT NULL";
  else if (!isCanonicalVersion(expect.version)) condition = "0";
  else {
    condition = "v = ?";
    args.push(Number(expect.version));
  }
  args.push(String(index));
  const found = `SELECT ${t.flavor.quote("objectVersion")} FROM ${t.table} WHERE ${t.where(type, key, args)}`;
  return {
    sql: `SELECT CASE WHEN ${condition} THEN 1 ELSE json_extract('{}', 'objstore-conflict:' || ? || ':' || ifnull(CAST(v AS INTEGER), '-')) END` +
      ` FROM (SELECT (${found}) AS v)`,
    args,
    write: index,
  };
}

/**
 * The statements of a SQLite commit, to run as one write batch: per write its guard (when it
 * has a condition), then the write itself.
 *
 * @example
 * ```ts
 * await connection.batch(batchStatements(table, writes));
 * ```
 */
export function batchStatements(t: OriginalTable, writes: readonly Write[]): CommitStatement[] {
  const statements: CommitStatement[] = [];
  writes.forEach((write, index) => {
    const add = (build: (args: SqlValue[]) => string) => {
      const args: SqlValue[] = [];
      const sql = build(args);
      statements.push({ sql, args, write: index });
    };
    if (write.op === "truncate") {
      add((args) => `DELETE FROM ${t.table} WHERE ${t.where(write.type, undefined, args)}`);
      return;
    }
    const { type, key, expect } = write;
    const check = guard(t, expect, index, type, key);
    if (check) statements.push(check);
    if (write.op === "delete") {
      if (!("absent" in expect)) add((args) => `DELETE FROM ${t.table} WHERE ${t.where(type, key, args)}`);
    } else if ("absent" in expect) {
      statements.push({ sql: insertSql(t, "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), args: insertArgs(write), write: index });
    } else {
      add((args) => `${updateSql(t, write, args)} WHERE ${t.where(type, key, args)}`);
      if ("any" in expect) {
        const args = insertArgs(write);
        const missing = `NOT EXISTS (SELECT 1 FROM ${t.table} WHERE ${t.where(type, key, args)})`;
        statements.push({ sql: insertSql(t, `SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${missing}`), args, write: index });
      }
    }
  });
  return statements;
}
