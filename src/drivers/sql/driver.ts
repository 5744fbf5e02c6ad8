/**
 * The SQL layer: one driver over any {@link SqlDialect} and {@link SqlClient}. It owns the
 * statements' use (reads pushed down, commits in one atomic batch), opening the schema once,
 * retries of steps the database rolled back (busy, deadlock, serialization failure) and the
 * mapping of errors to objstore's codes.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, type Write } from "../../driver.ts";
import { BackendError, ObjectStoreError } from "../../errors.ts";
import type { JsonValue } from "../../types.ts";
import type { SqlClient, SqlRow, SqlStatement } from "./client.ts";
import { parseConflict } from "./commit.ts";
import type { SqlDialect } from "./dialect.ts";
import { getStatement, pageStatements, scanStatement, typesStatement } from "./read.ts";
import { ensureSchema, type Tables, tablesFor } from "./schema.ts";
import { retryWhileLocked } from "./retry.ts";

/** Options of {@link sqlDriver}. */
export interface SqlDriverOptions {
  /** The driver's `kind`: "LibSQL", "MySQL", "PostgreSQL". */
  kind: string;
  dialect: SqlDialect;
  /** The client, or a function making it (called once, on first use). */
  client: SqlClient | (() => SqlClient | Promise<SqlClient>);
  /** Table-name prefix (an identifier): stores with different prefixes share nothing. @default "objstore" */
  objectPrefix?: string;
  /** Runs once on the new client before the schema is checked (e.g. a PRAGMA). */
  prepare?: (client: SqlClient) => Promise<void>;
  /** Whether `close()` closes the client. @default true */
  closeClient?: boolean;
  /** Objects per `scan` query. @default 256 */
  scanBatchSize?: number;
  /** How long a step is retried while the database rolls it back for a lock or deadlock, ms. @default 10000 */
  busyRetryMs?: number;
}

/**
 * A driver storing objects through a SQL client. No I/O until the first operation, which
 * creates the schema (once; a failure is retried by the next operation).
 *
 * @example
 * ```ts
 * const driver = sqlDriver({ kind: "PostgreSQL", dialect: postgresDialect, client: () => postgresClient(sql) });
 * const store = createStore(driver);
 * ```
 */
export function sqlDriver(options: SqlDriverOptions): Driver {
  const d = options.dialect;
  const tables: Tables = tablesFor(options.objectPrefix, d.quote);
  const scanBatch = options.scanBatchSize ?? 256;
  const busyRetryMs = options.busyRetryMs ?? 10_000;
  let ready: Promise<SqlClient> | undefined;
  let client: SqlClient | undefined;
  let closed = false;

  const mapError = (error: unknown, what: string): ObjectStoreError => {
    if (error instanceof ObjectStoreError) return error;
    const code = d.errors.code(error);
    const unavailable = d.errors.unavailable(error) || d.errors.retryable(error) || error instanceof TypeError;
    return new BackendError(unavailable ? "BACKEND_UNAVAILABLE" : "BACKEND_ERROR", `${d.name} ${what} failed${code ? ` (${code})` : ""}`, { cause: error });
  };

  const retrying = <T>(fn: () => Promise<T>): Promise<T> => retryWhileLocked(d.errors.retryable, busyRetryMs, fn);

  const open = (): Promise<SqlClient> => {
    if (closed) return Promise.reject(new ObjectStoreError("CLOSED", "This store is closed"));
    ready ??= (async () => {
      client ??= typeof options.client === "function" ? await options.client() : options.client;
      const c = client;
      // Another process creating the schema can hold a lock: wait like writes do.
      await retrying(async () => {
        await options.prepare?.(c);
        await ensureSchema(c, d, tables);
      });
      return c;
    })().catch((e) => {
      ready = undefined; // the next operation tries again
      throw mapError(e, "opening the database");
    });
    return ready;
  };

  /** Runs `fn` with the client, retrying steps the database rolled back; maps errors. */
  const run = async <T>(what: string, fn: (c: SqlClient) => Promise<T>): Promise<T> => {
    const c = await open();
    try {
      return await retrying(() => fn(c));
    } catch (e) {
      if (e instanceof CommitConflict) throw e;
      throw mapError(e, what);
    }
  };

  /** Runs statements atomically (one alone needs no transaction unless the client says so), turning a failed check into a CommitConflict. */
  const write = (what: string, statements: SqlStatement[], writes?: readonly Write[]) =>
    run(what, async (c): Promise<SqlRow[][]> => {
      try {
        return statements.length === 1 && !c.batchSingleWrites ? [await c.execute(statements[0]!)] : await c.batch(statements, "write");
      } catch (e) {
        const conflict = parseConflict(e, writes);
        if (conflict) throw new CommitConflict(conflict.index, conflict.current);
        throw e;
      }
    });

  const one = (what: string, statement: SqlStatement) => run(what, (c) => c.execute(statement));

  return {
    kind: options.kind,

    async get(type, key) {
      const row = (await one("get", getStatement(d, tables, type, key)))[0];
      return row && toRecord(row);
    },

    async page(type, request: PageRequest): Promise<DriverPage> {
      const { rows, count } = pageStatements(d, tables, type, request);
      if (!count) return { items: (await one("page", rows)).map(toRecord), total: -1 };
      // One consistent read, one round trip.
      const [counted, listed] = await run("page", (c) => c.batch([count, rows], "read"));
      return { items: listed!.map(toRecord), total: Number(counted![0]!.n) };
    },

    async *scan(type, terms) {
      let after: string | undefined;
      for (;;) {
        const rows = await one("scan", scanStatement(d, tables, type, terms, after, scanBatch));
        for (const row of rows) yield toRecord(row);
        if (rows.length < scanBatch) return;
        after = String(rows[rows.length - 1]!.key);
      }
    },

    async types() {
      return (await one("types", typesStatement(d, tables))).map((row) => String(row.type));
    },

    async commit(writes: Write[]) {
      if (writes.length === 0) return;
      await write("commit", d.commit(tables, writes), writes);
    },

    async replace(type, key, version, record) {
      const results = await write("save", d.replace(tables, type, key, version, record));
      return String(results[results.length - 1]![0]!.created);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (options.closeClient === false) return;
      const c = client ?? (ready ? await ready.catch(() => undefined) : undefined);
      await c?.close();
    },
  };
}

function toRecord(row: SqlRow): DriverRecord {
  return {
    key: String(row.key),
    value: JSON.parse(String(row.value)) as JsonValue,
    version: String(row.version),
    created: String(row.created),
    updated: String(row.updated),
  };
}
