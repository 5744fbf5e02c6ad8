/**
 * The DynamoDB driver: objects in DynamoDB tables, spoken to over `fetch` signed by
 * aws4fetch (no AWS SDK), so it runs on every runtime.
 *
 * Key design: partition key `pk` = object type, sort key `sk` = object key, so listing a type
 * is a `Query` and never a `Scan`. Single-table mode keeps every type in `<prefix>objstore`;
 * multi-table mode gives each type its own table (see tables.ts). `types()` reads a small
 * registry (partition `_types` of the main table: one item per type ever written, put once per
 * store instance before the first write of that type) and keeps the types that still hold an
 * object (one `Limit: 1` query each), so it never reads the objects themselves and single
 * writes stay one conditional `PutItem`; a versioned save is one conditional `UpdateItem`
 * (`replace`, replace.ts).
 *
 * @module
 */
import type { DynamoDBConfig } from "../../config-types.ts";
import type { Driver, DriverRecord } from "../../driver.ts";
import { type DynamoClient, dynamoClient, type RetryPolicy } from "./client.ts";
import { decodeItem, keyOf, RECORD_PROJECTION } from "./codec.ts";
import { commitWrites } from "./commit.ts";
import { isMissingTable, namesFor, pageOf, queryPages, queryRecords } from "./listing.ts";
import { replaceObject } from "./replace.ts";
import { createTables, REGISTRY_PARTITION, type Tables } from "./tables.ts";

/** Options of {@link dynamodbDriver}. */
export interface DynamoDBDriverOptions {
  /** A parsed `{"Type":"DynamoDB"}` config. */
  config: DynamoDBConfig;
  /** The `fetch` requests go through (tests inject one to observe or break requests). */
  fetch: typeof fetch;
  /** Retry policy for throttling, 5xx and network failures. */
  retry?: RetryPolicy;
  /** Polling interval while waiting for a new table to become ACTIVE, ms. @default 500 */
  tablePollMs?: number;
}

/**
 * Creates a DynamoDB driver. No I/O happens until the first operation.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance({
 *   Type: "DynamoDB", aws_access_key_id: "AKIA...", aws_secret_access_key: "...",
 *   region_name: "eu-west-2", endpoint_url: "None", single_table_mode: true, objectPrefix: "app_",
 * });
 * ```
 */
export function dynamodbDriver(options: DynamoDBDriverOptions): Driver {
  const { config } = options;
  const region = config.region_name;
  const endpoint = config.endpoint_url === "None" || config.endpoint_url === undefined
    ? `https://dynamodb.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`
    : config.endpoint_url;
  const client: DynamoClient = dynamoClient({
    accessKeyId: config.aws_access_key_id,
    secretAccessKey: config.aws_secret_access_key,
    sessionToken: config.aws_session_token,
    region,
    endpoint,
    fetch: options.fetch,
    retry: options.retry,
  });
  const tables: Tables = createTables({
    client,
    prefix: config.objectPrefix ?? "",
    singleTable: config.single_table_mode !== false,
    pollMs: options.tablePollMs,
  });
  const registered = new Map<string, Promise<void>>();

  const registerOne = (type: string): Promise<void> => {
    let promise = registered.get(type);
    if (!promise) {
      const put = () => client.call("PutItem", { TableName: tables.main, Item: keyOf(REGISTRY_PARTITION, type) });
      promise = put().catch(async (e) => {
        if (!isMissingTable(e)) throw e;
        await tables.ensure(tables.main);
        await put();
      }).then(() => undefined);
      registered.set(type, promise);
      promise.catch(() => registered.delete(type));
    }
    return promise;
  };

  const hasObjects = async (type: string): Promise<boolean> => {
    for await (const page of queryPages(client, { table: await tables.tableOf(type), type, terms: [], select: "COUNT", limit: 1 })) {
      if ((page.Count ?? 0) > 0) return true;
    }
    return false;
  };

  return {
    kind: "DynamoDB",

    async get(type, key): Promise<DriverRecord | undefined> {
      try {
        const answer = await client.call<{ Item?: Record<string, { S: string }> }>("GetItem", {
          TableName: await tables.tableOf(type),
          Key: keyOf(type, key),
          ConsistentRead: true,
          ProjectionExpression: RECORD_PROJECTION,
          ExpressionAttributeNames: namesFor(RECORD_PROJECTION),
        });
        return answer.Item && decodeItem(answer.Item);
      } catch (e) {
        if (isMissingTable(e)) return undefined;
        throw e;
      }
    },

    async page(type, request) {
      return pageOf(client, await tables.tableOf(type), type, request);
    },

    async *scan(type, terms) {
      yield* queryRecords(client, { table: await tables.tableOf(type), type, terms });
    },

    async types() {
      const known: string[] = [];
      for await (const page of queryPages(client, { table: tables.main, type: REGISTRY_PARTITION, terms: [], projection: "#sk" })) {
        for (const item of page.Items ?? []) known.push(item.sk!.S);
      }
      // Registered types need no registry write from this instance.
      for (const type of known) if (!registered.has(type)) registered.set(type, Promise.resolve());
      const out: string[] = [];
      // A registered type may have been emptied since: check each, a few at a time.
      for (let i = 0; i < known.length; i += 16) {
        const chunk = known.slice(i, i + 16);
        const present = await Promise.all(chunk.map(hasObjects));
        chunk.forEach((type, j) => present[j] && out.push(type));
      }
      return out;
    },

    async commit(writes) {
      await commitWrites({ client, tables, register: async (types) => void await Promise.all([...types].map(registerOne)) }, writes);
    },

    // A versioned save in one conditional UpdateItem that keeps `created` (see replace.ts).
    async replace(type, key, version, record) {
      return replaceObject(client, await tables.tableOf(type), type, key, version, record);
    },

    async close() {
      // Nothing is held open: every call is a stateless signed request.
      registered.clear();
    },
  };
}


