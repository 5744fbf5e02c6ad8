/**
 * Listing a type: every read is a `Query` on the type's partition (never a `Scan`), with the
 * query terms filtered by DynamoDB and reads strongly consistent.
 *
 * - Key order (no sort) is DynamoDB's own sort-key order (UTF-8 bytes = code points, the
 *   order of `compareCodePoints`): the page reads only up to offset + limit matches, a cursor
 *   continues with `ExclusiveStartKey` (O(pagesize)), and `total` is a parallel `Select: COUNT`
 *   query (DynamoDB still charges reading every item of the partition for a count).
 * - Any other sort reads every matching item of the type and sorts in memory (`selectPage`):
 *   cost and memory grow with the type's size. `total` then comes from the same read.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import { selectPage } from "../../select.ts";
import { type DynamoClient, DynamoError } from "./client.ts";
import { decodeItem, type Item, NAMES, RECORD_PROJECTION, termsFilter } from "./codec.ts";

type Key = Record<string, { S: string }>;
interface QueryAnswer {
  Items?: Item[];
  Count?: number;
  LastEvaluatedKey?: Key;
}

/** Query parameters of a listing. */
export interface QuerySpec {
  table: string;
  type: string;
  terms: readonly string[];
  /** Start strictly after this key. */
  afterKey?: string;
  select?: "COUNT";
  /** Attributes to return. @default RECORD_PROJECTION (unless counting) */
  projection?: string;
  /** Items to evaluate per request (DynamoDB's `Limit`, applied before the filter). */
  limit?: number;
}

/**
 * True when DynamoDB says the table does not exist.
 *
 * @example
 * ```ts
 * catch (e) { if (isMissingTable(e)) return undefined; throw e; }
 * ```
 */
export function isMissingTable(e: unknown): boolean {
  return e instanceof DynamoError && e.code === "ResourceNotFoundException";
}

/**
 * Builds `ExpressionAttributeNames` with only the names the expressions use (DynamoDB rejects unused ones).
 *
 * @example
 * ```ts
 * namesFor("#ver = :ver"); // { "#ver": "ver" }
 * ```
 */
export function namesFor(...expressions: (string | undefined)[]): Record<string, string> {
  const used: Record<string, string> = {};
  for (const expression of expressions) {
    for (const match of expression?.matchAll(/#\w+/g) ?? []) {
      const name = match[0] as keyof typeof NAMES;
      used[name] = NAMES[name];
    }
  }
  return used;
}

/**
 * Every page of a query, in key order; a missing table has none.
 *
 * @example
 * ```ts
 * for await (const page of queryPages(client, { table, type: "Person", terms: [] })) console.log(page.Count);
 * ```
 */
export async function* queryPages(client: DynamoClient, spec: QuerySpec): AsyncGenerator<QueryAnswer> {
  const filter = termsFilter(spec.terms);
  const keyCondition = "#pk = :pk";
  const projection = spec.select ? undefined : spec.projection ?? RECORD_PROJECTION;
  const input: Record<string, unknown> = {
    TableName: spec.table,
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: namesFor(keyCondition, filter?.expression, projection),
    ExpressionAttributeValues: { ":pk": { S: spec.type }, ...filter?.values },
    ConsistentRead: true,
  };
  if (filter) input.FilterExpression = filter.expression;
  if (spec.select) input.Select = spec.select;
  if (projection) input.ProjectionExpression = projection;
  if (spec.limit !== undefined) input.Limit = spec.limit;
  let start: Key | undefined = spec.afterKey === undefined ? undefined : { pk: { S: spec.type }, sk: { S: spec.afterKey } };
  do {
    if (start) input.ExclusiveStartKey = start;
    let answer: QueryAnswer;
    try {
      answer = await client.call<QueryAnswer>("Query", input);
    } catch (e) {
      if (isMissingTable(e)) return;
      throw e;
    }
    yield answer;
    start = answer.LastEvaluatedKey;
  } while (start);
}

/**
 * Matching records in key order, streamed page by page.
 *
 * @example
 * ```ts
 * for await (const record of queryRecords(client, { table, type: "Person", terms: ["ann"] })) console.log(record.key);
 * ```
 */
export async function* queryRecords(client: DynamoClient, spec: QuerySpec): AsyncGenerator<DriverRecord> {
  for await (const answer of queryPages(client, spec)) {
    for (const item of answer.Items ?? []) yield decodeItem(item);
  }
}

/**
 * The number of matching items (all pages of a `Select: COUNT` query).
 *
 * @example
 * ```ts
 * await countItems(client, { table, type: "Person", terms: [] }); // 42
 * ```
 */
export async function countItems(client: DynamoClient, spec: QuerySpec): Promise<number> {
  let total = 0;
  for await (const answer of queryPages(client, { ...spec, select: "COUNT" })) total += answer.Count ?? 0;
  return total;
}

/**
 * Serves a validated page request (see the module docs for the cost of each shape).
 *
 * @example
 * ```ts
 * await pageOf(client, table, "Person", { terms: [], sort: [], offset: 0, limit: 20, count: true });
 * ```
 */
export async function pageOf(client: DynamoClient, table: string, type: string, request: PageRequest): Promise<DriverPage> {
  const base: QuerySpec = { table, type, terms: request.terms };
  if (request.sort.length > 0) {
    const all: DriverRecord[] = [];
    for await (const record of queryRecords(client, base)) all.push(record);
    return selectPage(all, request, (r) => r);
  }
  const wanted = request.offset + request.limit;
  const total = request.count ? countItems(client, base) : Promise.resolve(-1);
  const items = async () => {
    const out: DriverRecord[] = [];
    if (request.limit === 0) return out;
    // Without a filter every evaluated item matches: ask for exactly what the page needs.
    const limit = request.terms.length === 0 ? Math.min(wanted, 1000) : undefined;
    let seen = 0;
    for await (const record of queryRecords(client, { ...base, afterKey: request.after?.key, limit })) {
      if (seen++ >= request.offset) out.push(record);
      if (out.length >= request.limit) break;
    }
    return out;
  };
  const [count, records] = await Promise.all([total, items()]);
  return { items: records, total: count };
}
