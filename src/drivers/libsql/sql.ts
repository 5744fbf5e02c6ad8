/**
 * SQL for reads, pushed down: `get`, `page` (query terms, the typed sort of docs/api.md, keyset
 * `after`, count, slice), `scan` batches and `types`. Every value is a bound parameter; only
 * quoted table names from schema.ts are spliced into SQL text.
 *
 * @module
 */
import type { InStatement, InValue } from "@libsql/client/web";
import type { PageRequest } from "../../driver.ts";
import type { SortField } from "../../query.ts";
import type { JsonValue } from "../../types.ts";
import type { Tables } from "./schema.ts";

/**
 * The columns every record read selects, in this order.
 *
 * @example
 * ```ts
 * `SELECT ${RECORD_COLUMNS} FROM ${tables.objects}`;
 * ```
 */
export const RECORD_COLUMNS = "key, value, version, created, updated";

/**
 * One object by type and key.
 *
 * @example
 * ```ts
 * const row = (await client.execute(getStatement(tables, "Person", "ann"))).rows[0];
 * ```
 */
export function getStatement(t: Tables, type: string, key: string): InStatement {
  return { sql: `SELECT ${RECORD_COLUMNS} FROM ${t.objects} WHERE type = ? AND key = ?`, args: [type, key] };
}

/**
 * Every term must occur in the object's lower-cased search text: the stored `search` column,
 * or (for pure ASCII text, where SQLite's ASCII-only lower() is exact) lower(key \n value).
 */
function termsWhere(terms: readonly string[], args: InValue[]): string {
  let sql = "";
  for (const term of terms) {
    sql += ` AND instr(coalesce(search, lower(key || char(10) || value)), ?) > 0`;
    args.push(term);
  }
  return sql;
}

/** Rank of a JSON type in the typed order: missing/null 0, false 1, true 2, number 3, string 4, array/object 5. */
const RANK_OF_TYPE = `WHEN 'false' THEN 1 WHEN 'true' THEN 2 WHEN 'integer' THEN 3 WHEN 'real' THEN 3 WHEN 'text' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 5 ELSE 0 END`;

/**
 * SQL for a sort field's rank and comparable value. json_extract gives numbers as INTEGER/REAL
 * (compared numerically), strings as TEXT (BINARY collation on UTF-8 = code-point order) and
 * arrays/objects as their JSON text, which for text JSON.stringify wrote is JSON.stringify's.
 */
function fieldExpressions(field: string, args: InValue[]): { rank: string; value: string } {
  // A quoted JSON path holds any name without `"` or `\`; others go through json_each.
  if (!/["\\]/.test(field)) {
    const path = `$."${field}"`;
    args.push(path, path);
    return { rank: `CASE json_type(value, ?) ${RANK_OF_TYPE}`, value: "json_extract(value, ?)" };
  }
  args.push(field, field);
  const member = (column: string) =>
    `(CASE WHEN json_type(value) = 'object' THEN (SELECT ${column} FROM json_each(value) AS j WHERE j.key = ?) END)`;
  return { rank: `CASE ${member("j.type")} ${RANK_OF_TYPE}`, value: member("j.value") };
}

function rankOf(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "boolean") return value ? 2 : 1;
  if (typeof value === "number") return 3;
  if (typeof value === "string") return 4;
  return 5;
}

/** The parameter a rank-3..5 value compares against. */
function comparable(value: JsonValue): InValue {
  return typeof value === "number" || typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * WHERE for "strictly after `after`" in the order (r0, v0, r1, v1, …, key), each field in its
 * direction and the key always ascending.
 */
function afterWhere(sort: readonly SortField[], after: NonNullable<PageRequest["after"]>, args: InValue[]): string {
  const build = (i: number): string => {
    if (i === sort.length) {
      args.push(after.key);
      return "key > ?";
    }
    const value = after.values[i] ?? null;
    const rank = rankOf(value);
    const beyond = sort[i]!.desc ? "<" : ">";
    if (rank < 3) {
      const strict = `r${i} ${beyond} ${rank}`;
      return `(${strict} OR (r${i} = ${rank} AND ${build(i + 1)}))`;
    }
    const p = comparable(value);
    args.push(p);
    const strict = `r${i} ${beyond} ${rank} OR (r${i} = ${rank} AND v${i} ${beyond} ?)`;
    args.push(p);
    const equal = `r${i} = ${rank} AND v${i} = ?`;
    return `(${strict} OR (${equal} AND ${build(i + 1)}))`;
  };
  return build(0);
}

/**
 * The statements of one page: the rows, and the count when asked for.
 *
 * @example
 * ```ts
 * const { rows, count } = pageStatements(tables, "Person", { terms: [], sort: [], offset: 0, limit: 10, count: true });
 * ```
 */
export function pageStatements(t: Tables, type: string, request: PageRequest): { rows: InStatement; count?: InStatement } {
  const { terms, sort, after } = request;
  const args: InValue[] = [];
  let select = `SELECT ${RECORD_COLUMNS}`;
  sort.forEach((s, i) => {
    const e = fieldExpressions(s.field, args);
    select += `, ${e.rank} AS r${i}, ${e.value} AS v${i}`;
  });
  args.push(type);
  const from = ` FROM ${t.objects} WHERE type = ?`;
  let sql = select + from + termsWhere(terms, args);
  if (after) sql = `SELECT * FROM (${sql}) WHERE ${afterWhere(sort, after, args)}`;
  const order = sort.map((s, i) => `r${i}${s.desc ? " DESC" : ""}, v${i}${s.desc ? " DESC" : ""}`);
  order.push("key");
  sql += ` ORDER BY ${order.join(", ")} LIMIT ? OFFSET ?`;
  args.push(request.limit, request.offset);
  const rows = { sql, args };
  if (!request.count) return { rows };
  const countArgs: InValue[] = [type];
  const count = { sql: `SELECT count(*) FROM ${t.objects} WHERE type = ?${termsWhere(terms, countArgs)}`, args: countArgs };
  return { rows, count };
}

/**
 * One bounded batch of a scan: matches after `afterKey` in key order.
 *
 * @example
 * ```ts
 * await client.execute(scanStatement(tables, "Person", [], "ann", 256));
 * ```
 */
export function scanStatement(t: Tables, type: string, terms: readonly string[], afterKey: string | undefined, limit: number): InStatement {
  const args: InValue[] = [type];
  let sql = `SELECT ${RECORD_COLUMNS} FROM ${t.objects} WHERE type = ?`;
  if (afterKey !== undefined) {
    sql += " AND key > ?";
    args.push(afterKey);
  }
  sql += termsWhere(terms, args) + " ORDER BY key LIMIT ?";
  args.push(limit);
  return { sql, args };
}

/**
 * Distinct types, by skipping through the primary key: one index seek per type.
 *
 * @example
 * ```ts
 * const types = (await client.execute(typesStatement(tables))).rows.map((r) => String(r[0]));
 * ```
 */
export function typesStatement(t: Tables): InStatement {
  return {
    sql: `WITH RECURSIVE types(type) AS (
      SELECT min(type) FROM ${t.objects}
      UNION ALL
      SELECT (SELECT min(type) FROM ${t.objects} WHERE type > types.type) FROM types WHERE types.type IS NOT NULL
    ) SELECT type FROM types WHERE type IS NOT NULL`,
    args: [],
  };
}
