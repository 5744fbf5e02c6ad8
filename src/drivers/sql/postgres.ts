/**
 * The PostgreSQL dialect: `"` quoting, `COLLATE "C"` text (byte order of UTF-8 is code-point
 * order), the `json` operators for the typed sort (they keep the stored JSON text, so arrays
 * and objects compare by JSON.stringify's text), and commits as one multi-statement query, in
 * which each conditional write is a CTE whose rows a CASE counts: a failed check casts
 * `objstore-conflict:<i>:<v>` to an integer, which fails the whole implicit transaction.
 *
 * @module
 */
import type { SqlStatement, SqlValue } from "./client.ts";
import { checkedCommit, checkedReplace, type RowCountSql } from "./commit.ts";
import type { DialectErrors, FieldSql, SqlDialect } from "./dialect.ts";
import type { Tables } from "./schema.ts";

function field(name: string, args: SqlValue[]): FieldSql {
  // Every placeholder of these expressions is the field's name.
  const j = () => {
    args.push(name);
    return "(value::json -> ?)";
  };
  const rank = `CASE json_typeof(${j()}) WHEN 'boolean' THEN CASE WHEN ${j()}::text = 'true' THEN 2 ELSE 1 END` +
    ` WHEN 'number' THEN 3 WHEN 'string' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 5 ELSE 0 END`;
  const number = `CASE WHEN json_typeof(${j()}) = 'number' THEN (${j()}::text)::numeric END`;
  const text = `(CASE json_typeof(${j()}) WHEN 'string' THEN ${j().replace("->", "->>")} WHEN 'array' THEN ${j()}::text` +
    ` WHEN 'object' THEN ${j()}::text END) COLLATE "C"`;
  return { rank, number, text };
}

function schema(t: Tables, version: number): SqlStatement[] {
  return [
    // Concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL's catalog: one at a time.
    { sql: "SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", args: [`objstore-schema:${t.prefix}`] },
    { sql: `CREATE TABLE IF NOT EXISTS ${t.meta} (name text COLLATE "C" PRIMARY KEY, value text NOT NULL)`, args: [] },
    {
      // search: the lower-cased search text when it holds non-ASCII text, else NULL.
      sql: `CREATE TABLE IF NOT EXISTS ${t.objects} (
        type text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value text COLLATE "C" NOT NULL,
        version text NOT NULL,
        created text NOT NULL,
        updated text NOT NULL,
        search text COLLATE "C",
        PRIMARY KEY (type, key)
      )`,
      args: [],
    },
    { sql: `INSERT INTO ${t.meta} (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO NOTHING`, args: [String(version)] },
    { sql: `SELECT value FROM ${t.meta} WHERE name = 'schema_version'`, args: [] },
  ];
}

const rowCount: RowCountSql = {
  key: "key",
  insertIfAbsent: "ON CONFLICT (type, key) DO NOTHING",
  upsert: "ON CONFLICT (type, key) DO UPDATE SET value = excluded.value, version = excluded.version, created = excluded.created, updated = excluded.updated, search = excluded.search",
  checked(t, write, index, type, key, returning) {
    const args: SqlValue[] = write === undefined ? [type, key] : [...write.args];
    const ok = write === undefined ? `NOT EXISTS (SELECT 1 FROM ${t.objects} WHERE type = ? AND key = ?)` : "(SELECT count(*) FROM w) = 1";
    const result = returning === undefined ? "1" : `(SELECT ${returning} FROM w)`;
    const fail = `CAST('objstore-conflict:' || ? || ':' || coalesce((SELECT version FROM ${t.objects} WHERE type = ? AND key = ?), '-') AS integer)`;
    args.push(String(index), type, key);
    const select = `SELECT CASE WHEN ${ok} THEN ${result} ELSE ${returning === undefined ? fail : `CAST(${fail} AS text)`} END AS ${returning ?? "ok"}`;
    const sql = write === undefined ? select : `WITH w AS (${write.sql} RETURNING ${returning ?? "1"}) ${select}`;
    return [{ sql, args }];
  },
};

/** SQLSTATE classes and client codes after which the connection is gone or the server cannot serve. */
const GONE = /^(08|53|57P0[1-3]|CONNECTION_|CONNECT_TIMEOUT|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)/;

const errors: DialectErrors = {
  code(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" ? code : undefined;
  },
  // Serialization failure and deadlock: PostgreSQL rolled the transaction back.
  retryable: (error) => ["40001", "40P01"].includes(errors.code(error) ?? ""),
  unavailable: (error) => GONE.test(errors.code(error) ?? ""),
};

/**
 * The PostgreSQL dialect.
 *
 * @example
 * ```ts
 * const driver = sqlDriver({ kind: "PostgreSQL", dialect: postgresDialect, client: () => postgresSqlClient(sql) });
 * ```
 */
export const postgresDialect: SqlDialect = {
  name: "PostgreSQL",
  quote: (n) => `"${n.replaceAll('"', '""')}"`,
  key: "key",
  text: (column) => column,
  schema,
  contains: "strpos(coalesce(search, lower(key || chr(10) || value)), ?) > 0",
  field,
  commit: (t, writes) => checkedCommit(rowCount, t, writes),
  replace: (t, type, key, version, record) => checkedReplace(rowCount, t, type, key, version, record),
  errors,
};
