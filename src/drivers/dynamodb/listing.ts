/**
 * Listing a type: every read is a `Query` on the type's partition (never a `Scan`), with the
 * query terms filtered by DynamoDB and reads strongly consistent.
 *
 * - Key order (no sort) is DynamoDB's own sort-key order (UTF-8 bytes = code points, the
 *   order of `compareCodePoints`): the page reads only up to offset + limit matches, a cursor
 *   continues with `ExclusiveStartKey` (O(pagesize)), and `total` is a parallel `Select: COUNT`
 *   query (DynamoDB still charges reading every item of the partition for a count).
 * - Any other sort reads every matching item of the type and sorts in memory (`pagePicker`):
 *   the read cost grows with the type's size; memory holds at most offset + limit records
 *   when that is at most 1000 (more otherwise). `total` then comes from the same read.
 * - A term matches by `contains` on `txt` or on `val`. A term is lower case and has no white
 *   space, so it is in the search text exactly when it is in the lower-cased key or the
 *   lower-cased value; `txt` holds at least the lower-cased key, and a lower-case term found in
 *   `val` is also in its lower-cased form (lower-casing keeps lower-case characters).
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import { pagePicker } from "../../select.ts";
import { type DynamoClient, isCode } from "./client.ts";
import { decodeItem, type Item, keyOf, RECORD_PROJECTION } from "./codec.ts";

interface QueryAnswer {
  Items: Item[];
  Count: number;
  LastEvaluatedKey?: Item;
}

/** What a listing query reads. */
export interface QueryOptions {
  /** Query terms every item must contain. */
  terms?: readonly string[];
  /** Start strictly after this key. */
  after?: string;
  /** Count instead of returning items. */
  count?: boolean;
  /** Attributes to return. @default RECORD_PROJECTION */
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
export const isMissingTable = (e: unknown): boolean => isCode(e, "ResourceNotFoundException");

/**
 * Calls a read operation; a missing table holds nothing, so it answers as an empty one would.
 *
 * @example
 * ```ts
 * const { Item } = await read(client, "GetItem", { TableName: "t", Key: keyOf("T", "k") });
 * ```
 */
export const read = <T>(client: DynamoClient, operation: string, input: unknown): Promise<T> =>
  client.call<T>(operation, input).catch((e) => {
    if (isMissingTable(e)) return { Items: [], Count: 0 } as T;
    throw e;
  });

/**
 * Every page of a query on a type's partition, in key order; a missing table has none.
 *
 * @example
 * ```ts
 * for await (const page of queryPages(client, table, "Person", { count: true })) console.log(page.Count);
 * ```
 */
export async function* queryPages(client: DynamoClient, table: string, type: string, options: QueryOptions = {}): AsyncGenerator<QueryAnswer> {
  const { terms = [], after } = options;
  const values: Item = { ":pk": { S: type } };
  const filter = terms.map((term, i) => {
    values[`:t${i}`] = { S: term };
    return `(contains(txt, :t${i}) OR contains(val, :t${i}))`;
  }).join(" AND ") || undefined;
  const projection = options.count ? undefined : options.projection ?? RECORD_PROJECTION;
  const input = {
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    FilterExpression: filter,
    ProjectionExpression: projection,
    ExpressionAttributeValues: values,
    Select: options.count ? "COUNT" : undefined,
    Limit: options.limit,
    ConsistentRead: true,
    ExclusiveStartKey: after ? keyOf(type, after) : undefined, // keys are never empty
  };
  do {
    const answer = await read<QueryAnswer>(client, "Query", input);
    yield answer;
    input.ExclusiveStartKey = answer.LastEvaluatedKey;
  } while (input.ExclusiveStartKey);
}

/**
 * Matching records in key order, streamed page by page.
 *
 * @example
 * ```ts
 * for await (const record of queryRecords(client, table, "Person", { terms: ["ann"] })) console.log(record.key);
 * ```
 */
export async function* queryRecords(client: DynamoClient, table: string, type: string, options?: QueryOptions): AsyncGenerator<DriverRecord> {
  for await (const answer of queryPages(client, table, type, options)) yield* answer.Items.map(decodeItem);
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
  const { terms, offset, limit } = request;
  if (request.sort.length > 0) {
    // DynamoDB applied the terms; the picker keeps at most offset + limit records when that is small.
    const picker = pagePicker({ ...request, terms: [] }, (r: DriverRecord) => r);
    for await (const record of queryRecords(client, table, type, { terms })) picker.add(record);
    return picker.page();
  }
  const count = async () => {
    let total = 0;
    for await (const answer of queryPages(client, table, type, { terms, count: true })) total += answer.Count;
    return total;
  };
  const items = async () => {
    const out: DriverRecord[] = [];
    let seen = 0;
    // Without a filter every evaluated item matches: ask for exactly what the page needs.
    // (DynamoDB's Limit is a 32-bit integer; past it, later pages follow as usual.)
    const options = { terms, after: request.after?.key, limit: terms.length ? undefined : Math.min(offset + limit, 2 ** 31 - 1) };
    if (limit > 0) {
      for await (const record of queryRecords(client, table, type, options)) {
        if (seen++ >= offset && out.push(record) >= limit) break;
      }
    }
    return out;
  };
  const [total, records] = await Promise.all([request.count ? count() : -1, items()]);
  return { items: records, total };
}
