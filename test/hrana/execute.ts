/**
 * Executing Hrana requests on one SQLite connection (the real `libsql` package): statements,
 * values, batches with conditions, sequences, describe. JSON encoding of Hrana 2/3.
 * @module
 */
import Database from "libsql";

/** A Hrana value as JSON. */
export type HValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

export interface HStmt {
  sql?: string | null;
  sql_id?: number | null;
  args?: HValue[];
  named_args?: { name: string; value: HValue }[];
  want_rows?: boolean;
}

export type HCond =
  | { type: "ok" | "error"; step: number }
  | { type: "not"; cond: HCond }
  | { type: "and" | "or"; conds: HCond[] }
  | { type: "is_autocommit" };

export interface HBatch {
  steps: { condition?: HCond | null; stmt: HStmt }[];
}

/** A Hrana error: `message` and an optional machine code (SQLite's, e.g. SQLITE_CONSTRAINT). */
export class HranaError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

// deno-lint-ignore no-explicit-any
export type Db = any;

/** Opens a connection to `path` (busy timeout 0: the server waits asynchronously instead). */
export function openDb(path: string): Db {
  return new Database(path, { timeout: 0 });
}

function decodeValue(v: HValue): unknown {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Uint8Array.from(atob(v.base64), (c) => c.charCodeAt(0));
  }
  throw new HranaError(`Unknown value type ${JSON.stringify((v as { type: unknown }).type)}`, "PROTO_ERROR");
}

function encodeValue(v: unknown): HValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: String(v) };
  // With safeIntegers on, SQLite integers arrive as bigint: a number is a REAL.
  if (typeof v === "number") return { type: "float", value: v };
  if (typeof v === "string") return { type: "text", value: v };
  if (v instanceof Uint8Array) {
    let binary = "";
    for (const byte of v) binary += String.fromCharCode(byte);
    return { type: "blob", base64: btoa(binary) };
  }
  throw new HranaError(`Cannot encode a ${typeof v} value`, "INTERNAL");
}

/** Maps an error thrown by `libsql` to a Hrana error with SQLite's code. */
export function toHranaError(e: unknown): HranaError {
  if (e instanceof HranaError) return e;
  const err = e as { message?: unknown; code?: unknown };
  return new HranaError(String(err?.message ?? e), typeof err?.code === "string" ? err.code : undefined);
}

/** Resolves a statement's SQL text from `sql` or a stored `sql_id`. */
export function sqlOf(stmt: { sql?: string | null; sql_id?: number | null }, sqls: Map<number, string>): string {
  if (typeof stmt.sql === "string") {
    if (stmt.sql_id !== undefined && stmt.sql_id !== null) throw new HranaError("Both sql and sql_id given", "SQL_CONFLICT");
    return stmt.sql;
  }
  if (typeof stmt.sql_id === "number") {
    const sql = sqls.get(stmt.sql_id);
    if (sql === undefined) throw new HranaError(`SQL text ${stmt.sql_id} is not stored`, "SQL_NOT_FOUND");
    return sql;
  }
  throw new HranaError("Statement has neither sql nor sql_id", "SQL_NO_STATEMENT");
}

/** Executes one statement; SQLite errors are thrown as HranaError. */
export function executeStmt(db: Db, stmt: HStmt, sqls: Map<number, string>) {
  const sql = sqlOf(stmt, sqls);
  try {
    let args: unknown = (stmt.args ?? []).map(decodeValue);
    if (stmt.named_args && stmt.named_args.length > 0) {
      if ((args as unknown[]).length > 0) throw new HranaError("Mixing positional and named arguments is not supported here", "ARGS_INVALID");
      const named: Record<string, unknown> = {};
      for (const { name, value } of stmt.named_args) named[/^[:@$]/.test(name) ? name.slice(1) : name] = decodeValue(value);
      args = named;
    }
    const prepared = db.prepare(sql);
    prepared.safeIntegers(true);
    let reader = true;
    try {
      prepared.raw(true);
    } catch {
      reader = false;
    }
    if (reader) {
      const columns = prepared.columns() as { name: string; type: string | null }[];
      const rows = prepared.all(args) as unknown[][];
      return {
        cols: columns.map((c) => ({ name: c.name, decltype: c.type ?? null })),
        rows: stmt.want_rows === false ? [] : rows.map((row) => row.map(encodeValue)),
        affected_row_count: 0,
        last_insert_rowid: null,
      };
    }
    const info = prepared.run(args) as { changes: number; lastInsertRowid: number | bigint };
    return { cols: [], rows: [], affected_row_count: Number(info.changes), last_insert_rowid: String(info.lastInsertRowid) };
  } catch (e) {
    throw toHranaError(e);
  }
}

/** True when the connection is outside an explicit transaction. */
export function isAutocommit(db: Db): boolean {
  return !db.inTransaction;
}

/** Evaluates a batch condition against the outcomes so far. */
export function evalCond(cond: HCond, outcomes: ("ok" | "error" | undefined)[], db: Db, version: number): boolean {
  switch (cond.type) {
    case "ok":
      return outcomes[cond.step] === "ok";
    case "error":
      return outcomes[cond.step] === "error";
    case "not":
      return !evalCond(cond.cond, outcomes, db, version);
    case "and":
      return cond.conds.every((c) => evalCond(c, outcomes, db, version));
    case "or":
      return cond.conds.some((c) => evalCond(c, outcomes, db, version));
    case "is_autocommit":
      if (version < 3) throw new HranaError("is_autocommit needs Hrana 3", "PROTOCOL_VERSION");
      return isAutocommit(db);
  }
  throw new HranaError("Unknown batch condition", "PROTO_ERROR");
}

/** Runs `sql` (any number of statements) without results. */
export function executeSequence(db: Db, sql: string): void {
  try {
    db.exec(sql);
  } catch (e) {
    throw toHranaError(e);
  }
}

/** Describes a statement: its parameters, columns and whether it only reads. */
export function describeStmt(db: Db, sql: string) {
  try {
    const prepared = db.prepare(sql);
    let reader = true;
    try {
      prepared.raw(true);
    } catch {
      reader = false;
    }
    const columns = reader ? (prepared.columns() as { name: string; type: string | null }[]) : [];
    const explain = /^\s*explain\b/i.test(sql);
    const readonly = /^\s*(select|explain|with)\b/i.test(sql) && !/\b(insert|update|delete|replace)\b/i.test(sql);
    return {
      params: [],
      cols: columns.map((c) => ({ name: c.name, decltype: c.type ?? null })),
      is_explain: explain,
      is_readonly: readonly,
    };
  } catch (e) {
    throw toHranaError(e);
  }
}
