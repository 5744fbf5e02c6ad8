/**
 * SQL for reads, pushed down: `get`, `page` (query terms, the typed sort, keyset `after`,
 * count, slice), `scan` batches and `types`. Every value is a bound parameter; only quoted
 * table names and the dialect's expressions are spliced into SQL text.
 *
 * @module
 */
import type { PageRequest } from "../../driver.ts";
import type { SortField } from "../../query.ts";
import type { JsonValue } from "../../types.ts";
import type { SqlStatement, SqlValue } from "./client.ts";
import type { FieldSql, SqlDialect } from "./dialect.ts";
import type { Tables } from "./schema.ts";

/** The columns every record read selects: key, value, version, created, updated. */
function recordColumns(d: SqlDialect): string {
  return `${d.text(d.key)} AS ${d.quote("key")}, value, version, created, updated`;
}

/**
 * One object by type and key.
 *
 * @example
 * ```ts
 * const [row] = await client.execute(getStatement(dialect, tables, "Person", "ann"));
 * ```
 */
export function getStatement(d: SqlDialect, t: Tables, type: string, key: string): SqlStatement {
  return { sql: `SELECT ${recordColumns(d)} FROM ${t.objects} WHERE type = ? AND ${d.key} = ?`, args: [type, key] };
}

/** Every term must occur in the object's lower-cased search text. */
function termsWhere(d: SqlDialect, terms: readonly string[], args: SqlValue[]): string {
  let sql = "";
  for (const term of terms) {
    sql += ` AND ${d.contains}`;
    args.push(term);
  }
  return sql;
}

function rankOf(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "boolean") return value ? 2 : 1;
  if (typeof value === "number") return 3;
  if (typeof value === "string") return 4;
  return 5;
}

/** The parameter a rank-3..5 value compares against. */
function comparable(value: JsonValue): SqlValue {
  return typeof value === "number" || typeof value === "string" ? value : JSON.stringify(value);
}

/** The column a value of `rank` compares by, for field `i`, and the parameter's expression. */
function comparison(field: FieldSql, i: number, rank: number): { column: string; param: string } {
  if ("value" in field) return { column: `v${i}`, param: "?" };
  if (rank === 3) return { column: `n${i}`, param: "?" };
  return { column: `t${i}`, param: rank === 5 ? field.json ?? "?" : "?" };
}

/**
 * WHERE for "strictly after `after`" in the order (r0, v0, r1, v1, …, key), each field in its
 * direction and the key always ascending.
 */
function afterWhere(d: SqlDialect, sort: readonly SortField[], fields: FieldSql[], after: NonNullable<PageRequest["after"]>, args: SqlValue[]): string {
  const build = (i: number): string => {
    if (i === sort.length) {
      args.push(after.key);
      return `${d.key} > ?`;
    }
    const value = after.values[i] ?? null;
    const rank = rankOf(value);
    const beyond = sort[i]!.desc ? "<" : ">";
    if (rank < 3) return `(r${i} ${beyond} ${rank} OR (r${i} = ${rank} AND ${build(i + 1)}))`;
    const { column, param } = comparison(fields[i]!, i, rank);
    const p = comparable(value);
    args.push(p);
    const strict = `r${i} ${beyond} ${rank} OR (r${i} = ${rank} AND ${column} ${beyond} ${param})`;
    args.push(p);
    const equal = `r${i} = ${rank} AND ${column} = ${param}`;
    return `(${strict} OR (${equal} AND ${build(i + 1)}))`;
  };
  return build(0);
}

/**
 * The statements of one page: the rows, and the count when asked for.
 *
 * @example
 * ```ts
 * const { rows, count } = pageStatements(dialect, tables, "Person", { terms: [], sort: [], offset: 0, limit: 10, count: true });
 * ```
 */
export function pageStatements(d: SqlDialect, t: Tables, type: string, request: PageRequest): { rows: SqlStatement; count?: SqlStatement } {
  const { terms, sort, after } = request;
  const args: SqlValue[] = [];
  const fields: FieldSql[] = [];
  const order: string[] = [];
  let select = `SELECT ${recordColumns(d)}, ${d.key} AS sort_key`;
  sort.forEach((s, i) => {
    const e = d.field(s.field, args);
    const dir = s.desc ? " DESC" : "";
    select += `, ${e.rank} AS r${i}`;
    if ("value" in e) {
      select += `, ${e.value} AS v${i}`;
      order.push(`r${i}${dir}`, `v${i}${dir}`);
    } else {
      select += `, ${e.number} AS n${i}, ${e.text} AS t${i}`;
      order.push(`r${i}${dir}`, `n${i}${dir}`, `t${i}${dir}`);
    }
    fields.push(e);
  });
  args.push(type);
  let sql = `${select} FROM ${t.objects} WHERE type = ?${termsWhere(d, terms, args)}`;
  // The outer query compares and orders by the aliases (and the raw key, as sort_key).
  sql = `SELECT * FROM (${sql}) AS matched`;
  if (after) sql += ` WHERE ${afterWhere({ ...d, key: "sort_key" }, sort, fields, after, args)}`;
  order.push("sort_key");
  sql += ` ORDER BY ${order.join(", ")} LIMIT ? OFFSET ?`;
  args.push(request.limit, request.offset);
  const rows = { sql, args };
  if (!request.count) return { rows };
  const countArgs: SqlValue[] = [type];
  const count = { sql: `SELECT count(*) AS n FROM ${t.objects} WHERE type = ?${termsWhere(d, terms, countArgs)}`, args: countArgs };
  return { rows, count };
}

/**
 * One bounded batch of a scan: matches after `afterKey` in key order.
 *
 * @example
 * ```ts
 * await client.execute(scanStatement(dialect, tables, "Person", [], "ann", 256));
 * ```
 */
export function scanStatement(d: SqlDialect, t: Tables, type: string, terms: readonly string[], afterKey: string | undefined, limit: number): SqlStatement {
  const args: SqlValue[] = [type];
  let sql = `SELECT ${recordColumns(d)} FROM ${t.objects} WHERE type = ?`;
  if (afterKey !== undefined) {
    sql += ` AND ${d.key} > ?`;
    args.push(afterKey);
  }
  // Qualified: the raw column (in MySQL a bare `key` would be the converted output column).
  sql += `${termsWhere(d, terms, args)} ORDER BY ${t.objects}.${d.key} LIMIT ?`;
  args.push(limit);
  return { sql, args };
}

/**
 * Distinct types, by skipping through the primary key: one index seek per type.
 *
 * @example
 * ```ts
 * const types = (await client.execute(typesStatement(dialect, tables))).map((r) => String(r.type));
 * ```
 */
export function typesStatement(d: SqlDialect, t: Tables): SqlStatement {
  return {
    sql: `WITH RECURSIVE types (type) AS (
      SELECT min(type) FROM ${t.objects}
      UNION ALL
      SELECT (SELECT min(type) FROM ${t.objects} WHERE type > types.type) FROM types WHERE types.type IS NOT NULL
    ) SELECT ${d.text("type")} AS type FROM types WHERE type IS NOT NULL`,
    args: [],
  };
}
