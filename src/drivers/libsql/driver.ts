/**
 * The libSQL driver: objects in one SQLite table per `objectPrefix`, through an injected
 * `@libsql/client` (a local file, `:memory:`, or sqld/Turso over HTTP). The statements are the
 * SQL layer's (src/drivers/sql) in its SQLite dialect; this file adapts the client.
 *
 * @module
 */
import type { Client, InStatement, Row } from "@libsql/client/web";
import type { Driver } from "../../driver.ts";
import type { SqlClient, SqlRow, SqlStatement } from "../sql/client.ts";
import { sqlDriver } from "../sql/driver.ts";
import { sqliteDialect } from "../sql/sqlite.ts";
import { libsqlErrors } from "./errors.ts";

/** Options of {@link libsqlDriver}. */
export interface LibsqlDriverOptions {
  /** The client, or a function making it (called once, on first use). */
  client: Client | (() => Client | Promise<Client>);
  /** Table-name prefix (an identifier): stores with different prefixes share nothing. @default "objstore" */
  objectPrefix?: string;
  /** Switch the database to WAL mode when creating the schema (local files). @default false */
  wal?: boolean;
  /** Whether `close()` closes the client. @default true */
  closeClient?: boolean;
  /** Objects per `scan` query. @default 256 */
  scanBatchSize?: number;
  /** How long a write retries while another process holds the database lock, ms. @default 10000 */
  busyRetryMs?: number;
}

const dialect = sqliteDialect("libSQL", libsqlErrors);

/**
 * The SQL layer's client interface over a libSQL `Client`: `batch` is libSQL's own (one
 * transaction, one round trip over HTTP).
 *
 * @example
 * ```ts
 * const rows = await libsqlSqlClient(createClient({ url: ":memory:" })).execute({ sql: "SELECT 1 AS one", args: [] });
 * ```
 */
export function libsqlSqlClient(client: Client): SqlClient {
  const toRows = (rows: Row[]): SqlRow[] => rows as unknown as SqlRow[];
  const statement = (s: SqlStatement): InStatement => ({ sql: s.sql, args: s.args });
  return {
    execute: async (s) => toRows((await client.execute(statement(s))).rows),
    batch: async (statements, mode) => (await client.batch(statements.map(statement), mode)).map((r) => toRows(r.rows)),
    close: async () => client.close(),
  };
}

/**
 * A driver storing objects through a libSQL client. No I/O until the first operation, which
 * creates the schema (once; a failure is retried by the next operation).
 *
 * @example
 * ```ts
 * import { createClient } from "@libsql/client";
 * const store = createStore(libsqlDriver({ client: () => createClient({ url: "file:objects.db" }) }));
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function libsqlDriver(options: LibsqlDriverOptions): Driver {
  const make = options.client;
  return sqlDriver({
    kind: "LibSQL",
    dialect,
    client: async () => libsqlSqlClient(typeof make === "function" ? await make() : make),
    objectPrefix: options.objectPrefix,
    prepare: options.wal ? async (c) => void await c.execute({ sql: "PRAGMA journal_mode = WAL", args: [] }) : undefined,
    closeClient: options.closeClient,
    scanBatchSize: options.scanBatchSize,
    busyRetryMs: options.busyRetryMs,
  });
}
