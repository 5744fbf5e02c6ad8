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
 * writes stay one item (a `TransactWriteItems` of one, for its idempotency token: commit.ts).
 *
 * @module
 */
import type { DynamoDBConfig } from "../../config-types.ts";
import type { CallOptions, Driver } from "../../driver.ts";
import { type DynamoClient, dynamoClient, type RetryPolicy } from "./client.ts";
import { decodeItem, type Item, keyOf, RECORD_PROJECTION } from "./codec.ts";
import { commitWrites } from "./commit.ts";
import { pageOf, queryPages, queryRecords, read } from "./listing.ts";
import { createTables, REGISTRY_PARTITION } from "./tables.ts";

/** Options of {@link dynamodbDriver}. */
export interface DynamoDBDriverOptions {
  /** A parsed `{"Type":"DynamoDB"}` config. */
  config: DynamoDBConfig;
  /** The `fetch` requests go through (tests inject one to observe or break requests). */
  fetch: typeof fetch;
  /** Retry policy for throttling, 5xx and network failures. */
  retry?: RetryPolicy;
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
  const client = dynamoClient({
    accessKeyId: config.aws_access_key_id,
    secretAccessKey: config.aws_secret_access_key,
    sessionToken: config.aws_session_token,
    region,
    endpoint: config.endpoint_url !== "None"
      ? config.endpoint_url
      : `https://dynamodb.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`,
    fetch: options.fetch,
    retry: options.retry,
  });
  const tables = createTables(client, config.objectPrefix ?? "", config.single_table_mode);
  const { main } = tables;
  /** The client for one read: its calls carry the caller's signal. */
  const reader = (options?: CallOptions): DynamoClient => {
    const signal = options?.signal;
    return signal ? { ...client, call: (operation, input, info = {}) => client.call(operation, input, Object.assign(info, { signal })) } : client;
  };
  // Types this instance knows to be in the registry.
  const registered = new Set<string>();
  const register = async (types: string[]) => {
    const fresh = types.filter((type) => !registered.has(type));
    // Idempotent puts: concurrent first writes of a type may each put it.
    await Promise.all(fresh.map((type) => tables.creating([main], () => client.call("PutItem", { TableName: main, Item: keyOf(REGISTRY_PARTITION, type) }))));
    for (const type of fresh) registered.add(type);
  };

  return {
    kind: "DynamoDB",

    async get(type, key, options) {
      const { Item } = await read<{ Item?: Item }>(reader(options), "GetItem", {
        TableName: await tables.tableOf(type),
        Key: keyOf(type, key),
        ConsistentRead: true,
        ProjectionExpression: RECORD_PROJECTION,
      });
      return Item && decodeItem(Item);
    },

    async page(type, request, options) {
      return pageOf(reader(options), await tables.tableOf(type), type, request);
    },

    async *scan(type, terms, options) {
      yield* queryRecords(reader(options), await tables.tableOf(type), type, { terms });
    },

    async types() {
      const present: string[] = [];
      // The registry 16 types at a time; a registered type may have been emptied since, so
      // each is checked with one `Limit: 1` count, the 16 at once.
      for await (const page of queryPages(client, main, REGISTRY_PARTITION, { projection: "sk", limit: 16 })) {
        await Promise.all(page.Items.map(async ({ sk }) => {
          const type = sk!.S;
          // Registered types need no registry write from this instance.
          registered.add(type);
          for await (const page of queryPages(client, await tables.tableOf(type), type, { count: true, limit: 1 })) {
            if (page.Count) return present.push(type);
          }
        }));
      }
      return present;
    },

    async commit(writes) {
      await commitWrites({ client, tables, register }, writes);
    },

    async close() {
      // Nothing is held open: every call is a stateless signed request.
      registered.clear();
    },
  };
}
