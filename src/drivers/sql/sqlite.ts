/**
 * The SQLite dialect (libSQL now, Cloudflare D1 next): `"` quoting, json_extract/json_type
 * for the typed sort, instr over the stored search text, commits guarded inside their
 * statements (sqlite-commit.ts).
 *
 * @module
 */
import type { SqlValue } from "./client.ts";
import type { DialectErrors, FieldSql, SqlDialect } from "./dialect.ts";
import type { Tables } from "./schema.ts";
import { sqliteCommit, sqliteReplace } from "./sqlite-commit.ts";

/** Rank of a JSON type in the typed order: missing/null 0, false 1, true 2, number 3, string 4, array/object 5. */
const RANK_OF_TYPE = `WHEN 'false' THEN 1 WHEN 'true' THEN 2 WHEN 'integer' THEN 3 WHEN 'real' THEN 3 WHEN 'text' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 5 ELSE 0 END`;

/**
 * A sort field's rank and comparable value. json_extract gives numbers as INTEGER/REAL
 * (compared numerically), strings as TEXT (BINARY collation on UTF-8 = code-point order) and
 * arrays/objects as their JSON text, which for text JSON.stringify wrote is JSON.stringify's.
 */
function field(name: string, args: SqlValue[]): FieldSql {
  // A quoted JSON path holds any name without `"` or `\`; others go through json_each.
  if (!/["\\]/.test(name)) {
    const path = `$."${name}"`;
    args.push(path, path);
    return { rank: `CASE json_type(value, ?) ${RANK_OF_TYPE}`, value: "json_extract(value, ?)" };
  }
  args.push(name, name);
  const member = (column: string) =>
    `(CASE WHEN json_type(value) = 'object' THEN (SELECT ${column} FROM json_each(value) AS j WHERE j.key = ?) END)`;
  return { rank: `CASE ${member("j.type")} ${RANK_OF_TYPE}`, value: member("j.value") };
}

function schema(t: Tables, version: number) {
  return [
    { sql: `CREATE TABLE IF NOT EXISTS ${t.meta} (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`, args: [] },
    // search: the lower-cased search text (query.ts searchText) when it holds non-ASCII text;
    // NULL when SQLite's ASCII-only lower() gives the same text, which saves the space.
    {
      sql: `CREATE TABLE IF NOT EXISTS ${t.objects} (
      type TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      version TEXT NOT NULL,
      created TEXT NOT NULL,
      updated TEXT NOT NULL,
      search TEXT,
      PRIMARY KEY (type, key)
    ) WITHOUT ROWID`,
      args: [],
    },
    { sql: `INSERT OR IGNORE INTO ${t.meta} (name, value) VALUES ('schema_version', ?)`, args: [String(version)] },
    { sql: `SELECT value FROM ${t.meta} WHERE name = 'schema_version'`, args: [] },
  ];
}

/**
 * The dialect for SQLite-speaking clients, with the error rules `errors` of the client, and
 * `putsPerStatement` for databases that bind fewer parameters per statement (D1: 100).
 *
 * @example
 * ```ts
 * const driver = sqlDriver({ dialect: sqliteDialect("libSQL", libsqlErrors), client });
 * ```
 */
export function sqliteDialect(name: string, errors: DialectErrors, options: { putsPerStatement?: number } = {}): SqlDialect {
  const { putsPerStatement } = options;
  return {
    name,
    quote: (n) => `"${n.replaceAll('"', '""')}"`,
    key: "key",
    text: (column) => column,
    schema,
    contains: "instr(coalesce(search, lower(key || char(10) || value)), ?) > 0",
    field,
    commit: (tables, writes) => sqliteCommit(tables, writes, putsPerStatement),
    replace: sqliteReplace,
    errors,
  };
}
