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
 *   writes are conditional (`UPDATE … AND objectVersion = ?`, `DELETE … AND objectVersion = ?`,
 *   an INSERT the unique index refuses), each checked by its affected-row count.
 * - Reads compare `type` and `key` by their bytes (`BINARY` on MySQL), so a table with the
 *   original's case-insensitive collation still finds exactly the key asked for.
 * - Listing: a page without sort, query or cursor is pushed down (ORDER BY key, LIMIT/OFFSET,
 *   COUNT); any other page reads the type's rows and picks the page in memory.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type Expect, type PageRequest, type Write } from "../../driver.ts";
import { BackendError, InvalidInputError, ObjectStoreError } from "../../errors.ts";
import { fromPythonIso, parsePythonJson, pythonIso, pythonJson, versionNumber } from "../../original/formats.ts";
import { matchesTerms, searchText } from "../../query.ts";
import { selectPage } from "../../select.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import type { DialectErrors } from "./dialect.ts";
import type { OriginalSqlConnection, SqlRunner } from "./original-client.ts";
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

interface Flavor {
  quote(name: string): string;
  /** `column = ?` comparing bytes; pushes its arguments. */
  eq(column: string, value: string, args: SqlValue[]): string;
  /** ORDER BY expression of the key, by code point. */
  keyOrder: string;
  /** Column expression reading `type` for `types()`, decoded by {@link text}. */
  typeColumn: string;
  schema(prefix: string, server: string): SqlStatement[];
  duplicate(error: unknown): boolean;
  tooLong(error: unknown): boolean;
}

const codePoints = (s: string) => [...s].length;
const errno = (e: unknown) => Number((e as { errno?: unknown } | null)?.errno);
const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? "");

const mysqlFlavor: Flavor = {
  quote: (n) => `\`${n.replaceAll("`", "``")}\``,
  eq: (column, value, args) => {
    args.push(value, value);
    return `${column} = ? AND BINARY ${column} = BINARY ?`;
  },
  keyOrder: "BINARY `key`",
  typeColumn: "CAST(type AS BINARY)",
  schema(p, server) {
    const q = mysqlFlavor.quote;
    // utf8mb4 ordered by code point with no trailing-space padding: MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin.
    const bin = /mariadb/i.test(server) ? "utf8mb4_nopad_bin" : /^[89]\./.test(server) ? "utf8mb4_0900_bin" : "utf8mb4_bin";
    const text = (n: number) => `VARCHAR(${n}) CHARACTER SET utf8mb4 COLLATE ${bin}`;
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_objData`)} (
          id INTEGER NOT NULL AUTO_INCREMENT,
          type ${text(50)}, \`key\` ${text(140)},
          \`objectDICT\` LONGTEXT, \`objectVersion\` BIGINT,
          \`creationDate\` DATETIME(6), \`lastUpdateDate\` DATETIME(6),
          \`creationDate_iso8601\` VARCHAR(40), \`lastUpdateDate_iso8601\` VARCHAR(40),
          PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_objData_ix1`)} UNIQUE (type, \`key\`),
          INDEX ${q(`ix_${p}_objData_type`)} (type), INDEX ${q(`ix_${p}_objData_key`)} (\`key\`)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_idxData`)} (
          id INTEGER NOT NULL AUTO_INCREMENT,
          type ${text(50)}, \`keyA\` ${text(140)}, \`keyB\` ${text(140)},
          PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_idxData_ix1`)} UNIQUE (type, \`keyA\`),
          CONSTRAINT ${q(`${p}_idxData_ix2`)} UNIQUE (type, \`keyB\`),
          INDEX ${q(`ix_${p}_idxData_type`)} (type), INDEX ${q(`ix_${p}_idxData_keyA`)} (\`keyA\`), INDEX ${q(`ix_${p}_idxData_keyB`)} (\`keyB\`)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_ver`)} (
          id INTEGER NOT NULL AUTO_INCREMENT, first_installed_ver INTEGER, current_installed_ver INTEGER,
          \`creationDate_iso8601\` VARCHAR(40), \`lastUpdateDate_iso8601\` VARCHAR(40), PRIMARY KEY (id)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
    ];
  },
  duplicate: (e) => errno(e) === 1062,
  // Data too long (a Python-made TEXT column holds 64 KB), or text a utf8 (3-byte) column cannot hold.
  tooLong: (e) => errno(e) === 1406 || errno(e) === 1366,
};

const sqliteFlavor: Flavor = {
  quote: (n) => `"${n.replaceAll('"', '""')}"`,
  eq: (column, value, args) => {
    args.push(value);
    return `${column} = ?`;
  },
  keyOrder: `"key"`,
  typeColumn: "type",
  schema(p) {
    const q = sqliteFlavor.quote;
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_objData`)} (
          id INTEGER NOT NULL, type VARCHAR(50), "key" VARCHAR(140), "objectDICT" TEXT, "objectVersion" BIGINT,
          "creationDate" DATETIME, "lastUpdateDate" DATETIME, "creationDate_iso8601" VARCHAR(40), "lastUpdateDate_iso8601" VARCHAR(40),
          PRIMARY KEY (id), CONSTRAINT ${q(`${p}_objData_ix1`)} UNIQUE (type, "key"))`,
        args: [],
      },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_objData_type`)} ON ${q(`${p}_objData`)} (type)`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_objData_key`)} ON ${q(`${p}_objData`)} ("key")`, args: [] },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_idxData`)} (
          id INTEGER NOT NULL, type VARCHAR(50), "keyA" VARCHAR(140), "keyB" VARCHAR(140), PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_idxData_ix1`)} UNIQUE (type, "keyA"), CONSTRAINT ${q(`${p}_idxData_ix2`)} UNIQUE (type, "keyB"))`,
        args: [],
      },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_type`)} ON ${q(`${p}_idxData`)} (type)`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_keyA`)} ON ${q(`${p}_idxData`)} ("keyA")`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_keyB`)} ON ${q(`${p}_idxData`)} ("keyB")`, args: [] },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_ver`)} (
          id INTEGER NOT NULL, first_installed_ver INTEGER, current_installed_ver INTEGER,
          "creationDate_iso8601" VARCHAR(40), "lastUpdateDate_iso8601" VARCHAR(40), PRIMARY KEY (id))`,
        args: [],
      },
    ];
  },
  duplicate: (e) => /^SQLITE_CONSTRAINT/.test(codeOf(e)) || /UNIQUE constraint failed/.test(String((e as Error)?.message)),
  tooLong: () => false,
};

/** An objstore stamp as the DATETIME column's text (UTC, microseconds). */
const dateTime = (stamp: string) => `${stamp.slice(0, 10)} ${stamp.slice(11, 23)}000`;

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
  const f = options.flavor === "mysql" ? mysqlFlavor : sqliteFlavor;
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

  const currentVersion = async (tx: SqlRunner, type: string, key: string): Promise<string | undefined> => {
    const args: SqlValue[] = [];
    const { rows } = await tx.execute({ sql: `SELECT ${f.quote("objectVersion")} AS v FROM ${table} WHERE ${where(type, key, args)}`, args });
    return rows[0] === undefined ? undefined : String(Number(rows[0].v));
  };

  const checkNames = (type: string, key: string) => {
    if (codePoints(type) > ORIGINAL_TYPE_LIMIT) {
      throw new InvalidInputError("INVALID_OBJECT_TYPE", `The original SQL layout's type column holds at most ${ORIGINAL_TYPE_LIMIT} characters (VARCHAR(50)); this type has ${codePoints(type)}`);
    }
    if (codePoints(key) > ORIGINAL_KEY_LIMIT) {
      throw new InvalidInputError("INVALID_KEY", `The original SQL layout's key column holds at most ${ORIGINAL_KEY_LIMIT} characters (VARCHAR(140)); this key has ${codePoints(key)}`);
    }
  };

  /** Applies one write inside the transaction; false when its condition does not hold. */
  const apply = async (tx: SqlRunner, write: Write): Promise<boolean> => {
    const q = f.quote;
    if (write.op === "truncate") {
      const args: SqlValue[] = [];
      await tx.execute({ sql: `DELETE FROM ${table} WHERE ${where(write.type, undefined, args)}`, args });
      return true;
    }
    const { type, key } = write;
    const expect: Expect = write.expect;
    const versionOk = !("version" in expect) || isCanonicalVersion(expect.version);
    if (!versionOk) return false;
    if (write.op === "delete") {
      if ("absent" in expect) return (await currentVersion(tx, type, key)) === undefined;
      const args: SqlValue[] = [];
      let sql = `DELETE FROM ${table} WHERE ${where(type, key, args)}`;
      if ("version" in expect) {
        sql += ` AND ${q("objectVersion")} = ?`;
        args.push(Number(expect.version));
      }
      const { affected } = await tx.execute({ sql, args });
      return affected > 0 || "any" in expect;
    }
    const { record } = write;
    const json = pythonJson(record.value);
    const version = versionNumber(record.version);
    const insert = async (): Promise<boolean> => {
      try {
        await tx.execute({
          sql: `INSERT INTO ${table} (type, ${q("key")}, ${q("objectDICT")}, ${q("objectVersion")}, ${q("creationDate")}, ${q("lastUpdateDate")}, ${q("creationDate_iso8601")}, ${q("lastUpdateDate_iso8601")})
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          args: [type, key, json, version, dateTime(record.created), dateTime(record.updated), pythonIso(record.created), pythonIso(record.updated)],
        });
        return true;
      } catch (e) {
        if (!f.duplicate(e)) throw e;
        if ((await currentVersion(tx, type, key)) !== undefined) return false;
        throw new InvalidInputError("INVALID_KEY", `Key ${JSON.stringify(key)} of type ${JSON.stringify(type)} collides with a stored key that differs from it only in letter case or trailing spaces: the original layout's table compares keys case-insensitively (its collation), so it cannot hold both`);
      }
    };
    if ("absent" in expect) return insert();
    // The original keeps the creation date on update: only the value, version and update date change.
    // A record at version 1 replacing a stored one is a new incarnation (a remove and a save in one
    // transaction): its creation date is new.
    const args: SqlValue[] = [json, version, dateTime(record.updated), pythonIso(record.updated)];
    let sql = `UPDATE ${table} SET ${q("objectDICT")} = ?, ${q("objectVersion")} = ?, ${q("lastUpdateDate")} = ?, ${q("lastUpdateDate_iso8601")} = ?`;
    if ("any" in expect || version === 1) {
      sql += `, ${q("creationDate")} = ?, ${q("creationDate_iso8601")} = ?`;
      args.push(dateTime(record.created), pythonIso(record.created));
    }
    sql += ` WHERE ${where(type, key, args)}`;
    if ("version" in expect) {
      sql += ` AND ${q("objectVersion")} = ?`;
      args.push(Number(expect.version));
    }
    const { affected } = await tx.execute({ sql, args });
    if (affected > 0) return true;
    return "any" in expect ? insert() : false;
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
      await run("commit", (c) =>
        c.transaction(async (tx) => {
          for (const [index, write] of writes.entries()) {
            if (await apply(tx, write)) continue;
            const w = write as Exclude<Write, { op: "truncate" }>;
            throw new CommitConflict(index, await currentVersion(tx, w.type, w.key));
          }
        }));
    },

    async close() {
      if (closed) return;
      closed = true;
      const c = connection ?? (ready ? await ready.catch(() => undefined) : undefined);
      await c?.close();
    },
  };
}

/** Stored versions are integers: a version that is not an integer's canonical text ("02", "1.5") never matches. */
function isCanonicalVersion(version: string): boolean {
  const n = Number(version);
  return Number.isSafeInteger(n) && n >= 1 && String(n) === version;
}
