/**
 * The D1 driver (`{"Type":"D1","binding":"DB"}`): objects in a Cloudflare D1 database, the SQL
 * layer's SQLite dialect over a D1 binding. A commit is one `batch()`, which D1 runs as one
 * transaction, with every write's version condition inside its statement.
 *
 * D1's limits, respected here: 100 bound parameters per statement (puts go 9 to a statement),
 * 2,000,000 bytes per row (a larger value is `INVALID_VALUE` before anything is sent) and a
 * bounded number of statements per Worker invocation (a commit of more than
 * {@link MAX_WRITES} writes is `TRANSACTION_TOO_LARGE`).
 *
 * @module
 */
import type { Driver, Write } from "../../driver.ts";
import { InvalidInputError, ObjectStoreError } from "../../errors.ts";
import type { SqlClient, SqlRow, SqlStatement } from "../sql/client.ts";
import type { DialectErrors } from "../sql/dialect.ts";
import { sqlDriver } from "../sql/driver.ts";
import { sqliteDialect } from "../sql/sqlite.ts";

/** A D1 prepared statement (the part the driver uses). */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  all(): Promise<{ results?: unknown[] }>;
}

/** A D1 database binding (`env.DB`; the part the driver uses). */
export interface D1DatabaseLike {
  prepare(sql: string): D1PreparedStatementLike;
  batch(statements: D1PreparedStatementLike[]): Promise<{ results?: unknown[] }[]>;
}

/** Writes one commit may hold (each is at most a statement of D1's batch). */
export const MAX_WRITES = 500;
/** D1's largest row; the value's JSON and its search text share it. */
const MAX_ROW_BYTES = 2_000_000;

/** D1 errors read by message (D1 gives no codes): a busy or reset database is retried. */
const d1Errors: DialectErrors = {
  code: (error) => /\b(SQLITE_[A-Z_]+|D1_[A-Z_]+)\b/.exec(error instanceof Error ? error.message : "")?.[1],
  retryable: (error) => /SQLITE_BUSY|database is locked|D1_RESET_DO|Network connection lost/i.test(error instanceof Error ? error.message : ""),
  unavailable: (error) => /Network connection lost|D1_RESET_DO|Cannot resolve D1|overloaded|storage caused object to be reset/i.test(error instanceof Error ? error.message : ""),
};

const dialect = sqliteDialect("D1", d1Errors, { putsPerStatement: 9 });

/**
 * The SQL layer's client interface over a D1 binding.
 *
 * @example
 * ```ts
 * const rows = await d1SqlClient(env.DB).execute({ sql: "SELECT 1 AS one", args: [] });
 * ```
 */
export function d1SqlClient(db: D1DatabaseLike): SqlClient {
  const prepare = (s: SqlStatement) => (s.args.length ? db.prepare(s.sql).bind(...s.args) : db.prepare(s.sql));
  return {
    execute: async (s) => ((await prepare(s).all()).results ?? []) as SqlRow[],
    batch: async (statements) => (await db.batch(statements.map(prepare))).map((r) => (r.results ?? []) as SqlRow[]),
    close: async () => {},
  };
}

/** Options of {@link d1Driver}. */
export interface D1DriverOptions {
  /** The D1 binding, or how to find it on first use. */
  database: D1DatabaseLike | (() => D1DatabaseLike);
  /** Table-name prefix (an identifier): stores with different prefixes share nothing. @default "objstore" */
  objectPrefix?: string;
}

const encoder = new TextEncoder();

/**
 * A driver over a D1 database. No I/O until the first operation, which creates the schema.
 *
 * @example
 * ```ts
 * export default { fetch: (req, env) => createApp(createStore(d1Driver({ database: env.DB }))).fetch(req) };
 * ```
 */
export function d1Driver(options: D1DriverOptions): Driver {
  const { database } = options;
  const inner = sqlDriver({
    kind: "D1",
    dialect,
    client: () => d1SqlClient(typeof database === "function" ? database() : database),
    objectPrefix: options.objectPrefix,
    closeClient: false,
  });
  return {
    ...inner,
    commit(writes: Write[]) {
      if (writes.length > MAX_WRITES) {
        return Promise.reject(new ObjectStoreError("TRANSACTION_TOO_LARGE", `Commit too large for one D1 batch: ${writes.length} writes (at most ${MAX_WRITES})`));
      }
      for (const write of writes) {
        if (write.op !== "put") continue;
        // The stored JSON plus, for non-ASCII text, its lower-cased search copy.
        const json = JSON.stringify(write.record.value);
        const bytes = encoder.encode(json).length * (/^[\x00-\x7f]*$/.test(json) ? 1 : 2) + encoder.encode(write.key).length * 2;
        if (bytes > MAX_ROW_BYTES) {
          return Promise.reject(new InvalidInputError("INVALID_VALUE", `Invalid value of ${write.type}/${write.key}: its D1 row would be about ${bytes} bytes, above D1's 2,000,000-byte row limit`));
        }
      }
      return inner.commit(writes);
    },
  };
}
