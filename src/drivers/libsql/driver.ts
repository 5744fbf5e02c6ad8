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
import { replacingClient } from "./replacing.ts";

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
  /**
   * Replace the client with a new one from `client` (a function) after a busy error: for a
   * local file, whose native client cannot be trusted after one (see replacing.ts). @default false
   */
  reopenOnBusy?: boolean;
}

const dialect = sqliteDialect("libSQL", libsqlErrors);

/**
 * The SQL layer's client interface over a libSQL `Client`: `batch` is libSQL's own (one
 * transaction, one round trip over HTTP). With `reopen`, the client is replaced by a new one
 * after a busy error (see replacing.ts).
 *
 * @example
 * ```ts
 * const rows = await libsqlSqlClient(createClient({ url: ":memory:" })).execute({ sql: "SELECT 1 AS one", args: [] });
 * ```
 */
export function libsqlSqlClient(client: Client, reopen?: () => Client | Promise<Client>): SqlClient {
  const toRows = (rows: Row[]): SqlRow[] => rows as unknown as SqlRow[];
  const statement = (s: SqlStatement): InStatement => ({ sql: s.sql, args: s.args });
  const clients = replacingClient(client, reopen);
  return {
    execute: (s) => clients.use(async (c) => toRows((await c.execute(statement(s))).rows)),
    batch: (statements, mode) => clients.use(async (c) => (await c.batch(statements.map(statement), mode)).map((r) => toRows(r.rows))),
    close: () => clients.close(),
    // On a local file, a single write on a connection a busy error left behind runs in a
    // transaction that never commits while the call reports success (see replacing.ts); an
    // explicit COMMIT fails instead. (Over HTTP the server commits each statement itself.)
    batchSingleWrites: client.protocol === "file",
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
    client: async () => {
      if (typeof make !== "function") return libsqlSqlClient(make);
      return libsqlSqlClient(await make(), options.reopenOnBusy ? async () => await make() : undefined);
    },
    objectPrefix: options.objectPrefix,
    prepare: options.wal ? async (c) => void await c.execute({ sql: "PRAGMA journal_mode = WAL", args: [] }) : undefined,
    closeClient: options.closeClient,
    scanBatchSize: options.scanBatchSize,
    busyRetryMs: options.busyRetryMs,
  });
}
