/**
 * The SQL driver for data written by the Python original's SQLAlchemy store
 * (`"layout": "original"`): its tables `<prefix>_objData`, `<prefix>_idxData` and `<prefix>_ver`
 * on MySQL/MariaDB and SQLite, read and written as object_store_abstraction does, so a running
 * Python deployment can be read, written alongside and migrated.
 *
 * - Row: `type` (VARCHAR(50)), `key` (VARCHAR(140)), `objectDICT` (the value as `json.dumps`
 *   writes it, see src/original/formats.ts), `objectVersion` (an integer), `creationDate` /
 *   `lastUpdateDate` (DATETIME, written only) and `creationDate_iso8601` /
 *   `lastUpdateDate_iso8601` (`isoformat()`, the ones read).
 * - Missing tables are created as the original's `create_all` creates them (plus, on MySQL, a
 *   binary no-pad collation for `type` and `key`, since objstore keys are case-sensitive), and
 *   `_ver` gets the original's version-2 row.
 * - Version checks are atomic, which the original's were not: a commit is one transaction whose
 *   writes are conditional, checked inside it (original-commit.ts): on MySQL by the affected-row
 *   count of each write, on SQLite by guard statements in one batch.
 * - Reads compare `type` and `key` by their bytes (`BINARY` on MySQL), so a table with the
 *   original's case-insensitive collation still finds exactly the key asked for.
 * - Listing: a page without sort, query or cursor is pushed down (ORDER BY key, LIMIT/OFFSET,
 *   COUNT); any other page reads the type's rows and picks the page in memory.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, type Write } from "../../driver.ts";
import { BackendError, InvalidInputError, ObjectStoreError } from "../../errors.ts";
import { fromPythonIso, parsePythonJson, pythonIso } from "../../original/formats.ts";
import { matchesTerms, searchText } from "../../query.ts";
import { selectPage } from "../../select.ts";
import type { SqlValue } from "./client.ts";
import { parseConflict } from "./commit.ts";
import type { DialectErrors } from "./dialect.ts";
import type { OriginalSqlConnection, SqlRunner } from "./original-client.ts";
import { batchStatements, keyCollision, type OriginalTable, transactionCommit } from "./original-commit.ts";
import { originalFlavor } from "./original-schema.ts";
import { retryWhileLocked } from "./retry.ts";

/** The longest type and key the original's columns hold (characters): VARCHAR(50), VARCHAR(140). */
export const ORIGINAL_TYPE_LIMIT = 50;
/** See {@link ORIGINAL_TYPE_LIMIT}. */
export const ORIGINAL_KEY_LIMIT = 140;

/** Options of {@link originalSqlDriver}. */
export interface OriginalSqlDriverOptions {
  /** The driver's `kind`: "MySQL" or "LibSQL". */
  kind: string;
  flavor: "mysql" | "sqlite";
  /** The connection, or a function making it (called once, on first use). */
  connection: OriginalSqlConnection | (() => OriginalSqlConnection | Promise<OriginalSqlConnection>);
  /** The original's `objectPrefix`. @default "" (tables `_objData`, `_idxData`, `_ver`) */
  objectPrefix?: string;
  errors: DialectErrors;
  /** How long a step is retried while the database rolls it back for a lock or deadlock, ms. @default 10000 */
  busyRetryMs?: number;
  /** Runs once on the new connection before the tables are checked (e.g. a PRAGMA). */
  prepare?: (connection: OriginalSqlConnection) => Promise<void>;
}

const codePoints = (s: string) => [...s].length;
const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? "");

// ignoreBOM: a type or key may start with U+FEFF, which a default decoder would drop.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const text = (v: unknown): string => (v instanceof Uint8Array ? decoder.decode(v) : String(v));

/**
 * Creates the driver. No I/O until the first operation, which creates missing tables.
 *
 * @example
 * ```ts
 * const driver = originalSqlDriver({ kind: "MySQL", flavor: "mysql", connection: () => mysqlOriginalConnection(pool), errors: mysqlDialect.errors });
 * ```
 */
export function originalSqlDriver(options: OriginalSqlDriverOptions): Driver {
  const f = originalFlavor(options.flavor);
  const prefix = options.objectPrefix ?? "";
  const table = f.quote(`${prefix}_objData`);
  const verTable = f.quote(`${prefix}_ver`);
  const busyRetryMs = options.busyRetryMs ?? 10_000;
  const d = options.errors;
  const name = options.kind;
  const COLUMNS = `\`key\`, \`objectDICT\`, \`objectVersion\`, \`creationDate_iso8601\`, \`lastUpdateDate_iso8601\``.replaceAll("`", options.flavor === "mysql" ? "`" : '"');
  let ready: Promise<OriginalSqlConnection> | undefined;
  let connection: OriginalSqlConnection | undefined;
  let closed = false;

  const mapError = (error: unknown, what: string): ObjectStoreError => {
    if (error instanceof ObjectStoreError) return error;
    if (f.tooLong(error)) {
      return new InvalidInputError("INVALID_VALUE", `The original layout's table cannot hold this value (${codeOf(error)}): its objectDICT column holds 64 KB on MySQL when the Python library created it, and a utf8 (3-byte) table holds no characters beyond U+FFFF`);
    }
    const code = d.code(error);
    const unavailable = d.unavailable(error) || d.retryable(error) || error instanceof TypeError;
    return new BackendError(unavailable ? "BACKEND_UNAVAILABLE" : "BACKEND_ERROR", `${name} (original layout) ${what} failed${code ? ` (${code})` : ""}`, { cause: error });
  };

  const retrying = <T>(fn: () => Promise<T>): Promise<T> => retryWhileLocked(d.retryable, busyRetryMs, fn);

  const open = (): Promise<OriginalSqlConnection> => {
    if (closed) return Promise.reject(new ObjectStoreError("CLOSED", "This store is closed"));
    ready ??= (async () => {
      connection ??= typeof options.connection === "function" ? await options.connection() : options.connection;
      const c = connection;
      await retrying(async () => {
        await options.prepare?.(c);
        const server = options.flavor === "mysql" ? text((await c.execute({ sql: "SELECT VERSION() AS v", args: [] })).rows[0]?.v) : "";
        for (const s of f.schema(prefix, server)) await c.execute(s);
        // The original's version row (2) when the table is empty; id 1, so two processes insert it once.
        const now = pythonIso(new Date().toISOString());
        await c.execute({
          sql: `INSERT ${options.flavor === "mysql" ? "IGNORE" : "OR IGNORE"} INTO ${verTable} (id, first_installed_ver, current_installed_ver, ${f.quote("creationDate_iso8601")}, ${f.quote("lastUpdateDate_iso8601")})
            SELECT 1, 2, 2, ?, ? FROM (SELECT 1 AS one) AS x WHERE NOT EXISTS (SELECT 1 FROM ${verTable})`,
          args: [now, now],
        });
      });
      return c;
    })().catch((e) => {
      ready = undefined;
      throw mapError(e, "opening the database");
    });
    return ready;
  };

  const run = async <T>(what: string, fn: (c: OriginalSqlConnection) => Promise<T>): Promise<T> => {
    const c = await open();
    try {
      return await retrying(() => fn(c));
    } catch (e) {
      if (e instanceof CommitConflict) throw e;
      throw mapError(e, what);
    }
  };

  const where = (type: string, key: string | undefined, args: SqlValue[]) =>
    f.eq("type", type, args) + (key === undefined ? "" : ` AND ${f.eq(f.quote("key"), key, args)}`);
  const target: OriginalTable = { flavor: f, table, where };

  /** SQLite: the commit as one batch; a failed guard or a refused key says which write. */
  const commitBatch = async (c: OriginalSqlConnection, writes: readonly Write[]) => {
    const statements = batchStatements(target, writes);
    try {
      await c.batch!(statements);
    } catch (e) {
      const conflict = parseConflict(e);
      if (conflict) throw new CommitConflict(conflict.index, conflict.current);
      const at = statements[Number((e as { statementIndex?: unknown } | null)?.statementIndex)];
      const write = at && writes[at.write];
      if (f.duplicate(e) && write && write.op !== "truncate") throw keyCollision(write.type, write.key);
      throw e;
    }
  };

  const toRecord = (type: string, row: Record<string, unknown>): DriverRecord => {
    const key = text(row.key);
    const at = `${type}/${key}`;
    return {
      key,
      value: parsePythonJson(text(row.objectDICT), at),
      version: String(Number(row.objectVersion)),
      created: fromPythonIso(text(row.creationDate_iso8601), at),
      updated: fromPythonIso(text(row.lastUpdateDate_iso8601), at),
    };
  };

  const readType = async (runner: SqlRunner, type: string): Promise<DriverRecord[]> => {
    const args: SqlValue[] = [];
    const { rows } = await runner.execute({ sql: `SELECT ${COLUMNS} FROM ${table} WHERE ${where(type, undefined, args)} ORDER BY ${f.keyOrder}`, args });
    return rows.map((row) => toRecord(type, row));
  };

  const checkNames = (type: string, key: string) => {
    if (codePoints(type) > ORIGINAL_TYPE_LIMIT) {
      throw new InvalidInputError("INVALID_OBJECT_TYPE", `The original SQL layout's type column holds at most ${ORIGINAL_TYPE_LIMIT} characters (VARCHAR(50)); this type has ${codePoints(type)}`);
    }
    if (codePoints(key) > ORIGINAL_KEY_LIMIT) {
      throw new InvalidInputError("INVALID_KEY", `The original SQL layout's key column holds at most ${ORIGINAL_KEY_LIMIT} characters (VARCHAR(140)); this key has ${codePoints(key)}`);
    }
  };

  return {
    kind: name,

    async get(type, key) {
      if (codePoints(type) > ORIGINAL_TYPE_LIMIT || codePoints(key) > ORIGINAL_KEY_LIMIT) return undefined;
      const args: SqlValue[] = [];
      const { rows } = await run("get", (c) => c.execute({ sql: `SELECT ${COLUMNS} FROM ${table} WHERE ${where(type, key, args)}`, args }));
      return rows[0] && toRecord(type, rows[0]);
    },

    async page(type, request: PageRequest): Promise<DriverPage> {
      if (codePoints(type) > ORIGINAL_TYPE_LIMIT) return { items: [], total: request.count ? 0 : -1 };
      if (request.sort.length === 0 && request.terms.length === 0 && request.after === undefined) {
        // Key order, pushed down: the page's rows and (when asked) the type's count.
        return run("page", async (c) => {
          const args: SqlValue[] = [];
          const w = where(type, undefined, args);
          const { rows } = await c.execute({
            sql: `SELECT ${COLUMNS} FROM ${table} WHERE ${w} ORDER BY ${f.keyOrder} LIMIT ? OFFSET ?`,
            args: [...args, request.limit, request.offset],
          });
          const items = rows.map((row) => toRecord(type, row));
          if (!request.count) return { items, total: -1 };
          const counted = await c.execute({ sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${w}`, args });
          return { items, total: Number(counted.rows[0]!.n) };
        });
      }
      const records = await run("page", (c) => readType(c, type));
      return selectPage(records, request, (r) => r);
    },

    async *scan(type, terms) {
      if (codePoints(type) > ORIGINAL_TYPE_LIMIT) return;
      const records = await run("scan", (c) => readType(c, type));
      for (const record of records) if (terms.length === 0 || matchesTerms(searchText(record.key, record.value), terms)) yield record;
    },

    async types() {
      const { rows } = await run("types", (c) => c.execute({ sql: `SELECT DISTINCT ${f.typeColumn} AS type FROM ${table}`, args: [] }));
      return rows.map((row) => text(row.type));
    },

    async commit(writes: Write[]) {
      if (writes.length === 0) return;
      for (const w of writes) if (w.op !== "truncate") checkNames(w.type, w.key);
      await run("commit", (c) => c.batch ? commitBatch(c, writes) : c.transaction!((tx) => transactionCommit(target, tx, writes)));
    },

    async close() {
      if (closed) return;
      closed = true;
      const c = connection ?? (ready ? await ready.catch(() => undefined) : undefined);
      await c?.close();
    },
  };
}
