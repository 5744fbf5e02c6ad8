/**
 * SQLite's commits (libSQL, and D1's batches). Each write's condition is checked inside the
 * statement that makes it (or a guard statement in the same transaction), never by a separate
 * read: a failed condition makes the statement fail, which aborts the batch, so nothing is
 * written.
 *
 * The failing guard reports which write failed and the version it found through its error
 * message: it evaluates json_extract with a deliberately invalid path that spells
 * `objstore-conflict:<index>:<version or ->`. SQLite evaluates only the CASE branch taken, so
 * the error happens exactly when the condition fails, inside the same statement.
 *
 * @module
 */
import type { DriverRecord, Expect, Write } from "../../driver.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import { searchColumn } from "./commit.ts";
import type { Tables } from "./schema.ts";

/**
 * A boolean SQL expression that is 1 when `expect` holds for the stored (type, key) and
 * raises the conflict error otherwise; undefined for `{ any: true }` (no condition).
 */
function guard(t: Tables, expect: Expect, index: number, type: string, key: string, args: SqlValue[]): string | undefined {
  let condition: string;
  if ("any" in expect) return undefined;
  if ("absent" in expect) condition = "v IS NULL";
  else if ("present" in expect) condition = "v IS NOT NULL";
  else condition = "v = ?";
  if ("version" in expect) args.push(expect.version);
  args.push(String(index), type, key);
  return `(SELECT CASE WHEN ${condition} THEN 1 ELSE json_extract('{}', 'objstore-conflict:' || ? || ':' || ifnull(v, '-')) END` +
    ` FROM (SELECT (SELECT version FROM ${t.objects} WHERE type = ? AND key = ?) AS v))`;
}

type Put = Extract<Write, { op: "put" }>;

/** Puts per multi-row statement (10 parameters each, under SQLite's oldest limit of 999). */
export const PUTS_PER_STATEMENT = 64;

const UPSERT = `ON CONFLICT (type, key) DO UPDATE SET value = excluded.value, version = excluded.version,
  created = excluded.created, updated = excluded.updated, search = excluded.search`;

/** The columns of one put: its row, its condition (kind, version) and its index in the commit. */
function putRow(write: Put, index: number): SqlValue[] {
  const { record, expect } = write;
  const json = JSON.stringify(record.value);
  const kind = "version" in expect ? "version" : "absent" in expect ? "absent" : "present" in expect ? "present" : "any";
  return [write.type, write.key, json, record.version, record.created, record.updated, searchColumn(write.key, json, record.value), kind,
    "version" in expect ? expect.version : null, String(index)];
}

/**
 * Several puts in one statement: every row's condition is checked against the table as it was
 * before the statement (SQLite reads a SELECT from the table it inserts into before inserting),
 * which is right since a commit writes each key once; the first failing row raises.
 */
function multiPut(t: Tables, puts: { write: Put; index: number }[]): SqlStatement {
  const args: SqlValue[] = [];
  for (const { write, index } of puts) args.push(...putRow(write, index));
  const values = puts.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
  return {
    sql: `INSERT INTO ${t.objects} (type, key, value, version, created, updated, search)
      SELECT type, key, value, version, created, updated, search FROM (
        SELECT w.column1 AS type, w.column2 AS key, w.column3 AS value, w.column4 AS version, w.column5 AS created,
          w.column6 AS updated, w.column7 AS search, w.column8 AS kind, w.column9 AS expected, w.column10 AS idx,
          (SELECT o.version FROM ${t.objects} AS o WHERE o.type = w.column1 AND o.key = w.column2) AS v
        FROM (VALUES ${values}) AS w
      )
      WHERE CASE WHEN kind = 'any' OR (kind = 'absent' AND v IS NULL) OR (kind = 'present' AND v IS NOT NULL) OR (kind = 'version' AND v = expected)
        THEN 1 ELSE json_extract('{}', 'objstore-conflict:' || idx || ':' || ifnull(v, '-')) END
      ${UPSERT}`,
    args,
  };
}

/**
 * Creates (puts of absent keys) in one plain multi-row INSERT: no read of the table and no
 * condition per row, so it prepares and runs much faster than {@link multiPut}. A key that
 * exists takes the upsert branch, whose SET fails naming the row's type and key (hex) and the
 * version found; SQLite evaluates it only for such a row, and the failure aborts the batch.
 */
function multiCreate(t: Tables, puts: { write: Put }[]): SqlStatement {
  const args: SqlValue[] = [];
  for (const { write } of puts) {
    const { record } = write;
    const json = JSON.stringify(record.value);
    args.push(write.type, write.key, json, record.version, record.created, record.updated, searchColumn(write.key, json, record.value));
  }
  const values = puts.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
  return {
    sql: `INSERT INTO ${t.objects} (type, key, value, version, created, updated, search) VALUES ${values}
      ON CONFLICT (type, key) DO UPDATE SET
        version = json_extract('{}', 'objstore-conflict-key:' || hex(excluded.type) || ':' || hex(excluded.key) || ':' || ifnull(version, '-'))`,
    args,
  };
}

/** One put in one statement (the common single save), its condition inside the INSERT. */
function singlePut(t: Tables, write: Put, index: number): SqlStatement {
  const { record } = write;
  const json = JSON.stringify(record.value);
  const args: SqlValue[] = [write.type, write.key, json, record.version, record.created, record.updated, searchColumn(write.key, json, record.value)];
  const check = guard(t, write.expect, index, write.type, write.key, args) ?? "1";
  return {
    sql: `INSERT INTO ${t.objects} (type, key, value, version, created, updated, search) SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${check} ${UPSERT}`,
    args,
  };
}

/**
 * The statements of a commit, in write order; a failed condition raises an error in its
 * statement. Runs of consecutive puts share multi-row statements (fewer statements to prepare
 * and send), so the first failing write is still the one reported.
 *
 * @example
 * ```ts
 * await client.batch(sqliteCommit(tables, writes), "write");
 * ```
 */
export function sqliteCommit(t: Tables, writes: readonly Write[], putsPerStatement: number = PUTS_PER_STATEMENT): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let puts: { write: Put; index: number }[] = [];
  /** Statements for a run of puts that are all creates (`absent`) or all not. */
  const flushRun = (run: { write: Put; index: number }[], creates: boolean) => {
    for (let i = 0; i < run.length; i += putsPerStatement) {
      const chunk = run.slice(i, i + putsPerStatement);
      if (creates) statements.push(multiCreate(t, chunk));
      else statements.push(chunk.length === 1 ? singlePut(t, chunk[0]!.write, chunk[0]!.index) : multiPut(t, chunk));
    }
  };
  const flush = () => {
    let start = 0;
    for (let i = 1; i <= puts.length; i++) {
      const creates = "absent" in puts[start]!.write.expect;
      if (i === puts.length || ("absent" in puts[i]!.write.expect) !== creates) {
        flushRun(puts.slice(start, i), creates);
        start = i;
      }
    }
    puts = [];
  };
  writes.forEach((write, index) => {
    if (write.op === "put") {
      puts.push({ write, index });
      return;
    }
    flush();
    if (write.op === "truncate") {
      statements.push({ sql: `DELETE FROM ${t.objects} WHERE type = ?`, args: [write.type] });
      return;
    }
    // A DELETE's WHERE is not evaluated when the row is missing, so the guard runs first.
    const args: SqlValue[] = [];
    const check = guard(t, write.expect, index, write.type, write.key, args);
    if (check !== undefined) statements.push({ sql: `SELECT ${check}`, args });
    statements.push({ sql: `DELETE FROM ${t.objects} WHERE type = ? AND key = ?`, args: [write.type, write.key] });
  });
  flush();
  return statements;
}

/**
 * Replaces the object at `version` keeping its stored `created`, which it returns: one
 * statement, its guard inside (a failed guard raises the conflict error with index 0).
 *
 * @example
 * ```ts
 * const [statement] = sqliteReplace(tables, "T", "k", "3", record);
 * ```
 */
export function sqliteReplace(t: Tables, type: string, key: string, version: string, record: Omit<DriverRecord, "created">): SqlStatement[] {
  const json = JSON.stringify(record.value);
  const args: SqlValue[] = [type, key, json, record.version, record.updated, searchColumn(key, json, record.value)];
  const check = guard(t, { version }, 0, type, key, args)!;
  return [{
    sql: `INSERT INTO ${t.objects} (type, key, value, version, created, updated, search) SELECT ?, ?, ?, ?, '', ?, ? WHERE ${check}
      ON CONFLICT (type, key) DO UPDATE SET value = excluded.value, version = excluded.version,
      updated = excluded.updated, search = excluded.search RETURNING created`,
    args,
  }];
}
