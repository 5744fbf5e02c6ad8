/**
 * The libSQL driver: objects in one SQLite table per `objectPrefix`, through an injected
 * `@libsql/client` (a local file, `:memory:`, or sqld/Turso over HTTP).
 *
 * @module
 */
import type { Client, InStatement, ResultSet, Row } from "@libsql/client/web";
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, type Write } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import type { JsonValue } from "../../types.ts";
import { commitStatements, parseConflict, replaceStatement } from "./commit.ts";
import { isBusy, mapLibsqlError } from "./errors.ts";
import { ensureSchema, type Tables, tablesFor } from "./schema.ts";
import { getStatement, pageStatements, scanStatement, typesStatement } from "./sql.ts";

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
  const tables: Tables = tablesFor(options.objectPrefix);
  const scanBatch = options.scanBatchSize ?? 256;
  const busyRetryMs = options.busyRetryMs ?? 10_000;
  let ready: Promise<Client> | undefined;
  let client: Client | undefined;
  let closed = false;

  const open = (): Promise<Client> => {
    if (closed) return Promise.reject(new ObjectStoreError("CLOSED", "This store is closed"));
    ready ??= (async () => {
      client ??= typeof options.client === "function" ? await options.client() : options.client;
      const c = client;
      // Another process creating the schema or switching to WAL can hold the lock: wait like writes do.
      await retryWhileBusy(() => ensureSchema(c, tables, options.wal ?? false));
      return client;
    })().catch((e) => {
      ready = undefined; // the next operation tries again
      throw mapLibsqlError(e, "opening the database");
    });
    return ready;
  };

  /** Runs `fn`, retrying with jittered backoff while the database is locked by someone else. */
  const retryWhileBusy = async <T>(fn: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + busyRetryMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
      try {
        return await fn();
      } catch (e) {
        if (!isBusy(e) || Date.now() >= deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
      }
    }
  };

  /** Runs `fn` with the client, retrying while the database is locked by someone else. */
  const run = async <T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = await open();
    try {
      return await retryWhileBusy(() => fn(c));
    } catch (e) {
      if (e instanceof CommitConflict) throw e;
      throw mapLibsqlError(e, what);
    }
  };

  const one = (what: string, statement: InStatement) => run(what, (c) => c.execute(statement));

  return {
    kind: "LibSQL",

    async get(type, key) {
      const row = (await one("get", getStatement(tables, type, key))).rows[0];
      return row && toRecord(row);
    },

    async page(type, request: PageRequest): Promise<DriverPage> {
      const { rows, count } = pageStatements(tables, type, request);
      if (!count) return { items: (await one("page", rows)).rows.map(toRecord), total: -1 };
      // One consistent read transaction, one round trip.
      const [counted, listed] = await run("page", (c) => c.batch([count, rows], "read"));
      return { items: listed!.rows.map(toRecord), total: Number(counted!.rows[0]![0]) };
    },

    async *scan(type, terms) {
      let after: string | undefined;
      for (;;) {
        const { rows } = await one("scan", scanStatement(tables, type, terms, after, scanBatch));
        for (const row of rows) yield toRecord(row);
        if (rows.length < scanBatch) return;
        after = String(rows[rows.length - 1]!.key);
      }
    },

    async types() {
      return (await one("types", typesStatement(tables))).rows.map((row) => String(row[0]));
    },

    async commit(writes: Write[]) {
      if (writes.length === 0) return;
      const statements = commitStatements(tables, writes);
      await run("commit", async (c): Promise<ResultSet[]> => {
        try {
          // One statement is atomic on its own; more are one transaction (one round trip).
          return statements.length === 1 ? [await c.execute(statements[0]!)] : await c.batch(statements, "write");
        } catch (e) {
          const conflict = parseConflict(e);
          if (conflict) throw new CommitConflict(conflict.index, conflict.current);
          throw e;
        }
      });
    },

    async replace(type, key, version, record) {
      const statement = replaceStatement(tables, type, key, version, record);
      const result = await run("save", async (c) => {
        try {
          return await c.execute(statement);
        } catch (e) {
          const conflict = parseConflict(e);
          if (conflict) throw new CommitConflict(0, conflict.current);
          throw e;
        }
      });
      return String(result.rows[0]!.created);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (options.closeClient === false) return;
      const c = client ?? (ready ? await ready.catch(() => undefined) : undefined);
      c?.close();
    },
  };
}

function toRecord(row: Row): DriverRecord {
  return {
    key: String(row.key),
    value: JSON.parse(String(row.value)) as JsonValue,
    version: String(row.version),
    created: String(row.created),
    updated: String(row.updated),
  };
}
