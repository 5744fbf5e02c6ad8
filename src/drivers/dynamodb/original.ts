/**
 * The DynamoDB driver for data written by the Python original (`"layout": "original"`): the
 * tables and items object_store_abstraction reads and writes, so a running Python deployment
 * can be read, written alongside and migrated.
 *
 * - Tables: `<prefix>_objData_<type>` (multi-table mode) or `<prefix>_objData_xx` (single-table
 *   mode), hash key `partition_key` (S), no sort key; objstore creates a missing one on the first
 *   write (on demand capacity), as the original does on first use.
 * - Item: `partition_key` = type + "_" + key, `objectType`, `objectKey`, `objectVersion` (N),
 *   `creationDate`, `lastUpdateData` (ISO strings, the original's spelling) and `objectDICT`
 *   (the value as `json.dumps` writes it; see src/original/formats.ts).
 * - Version checks are atomic, which the original's were not: every commit is one
 *   `TransactWriteItems` whose conditions test `objectVersion` (or the item's absence), with a
 *   `ClientRequestToken`, so a retry after a lost answer is not applied twice.
 * - Listing costs what this layout allows: a page, scan or `types()` is a `Scan` of the table
 *   (filtered by `begins_with(partition_key, type + "_")`), and pages are sorted in memory.
 *
 * @module
 */
import type { DynamoDBConfig } from "../../config-types.ts";
import { CommitConflict, type Driver, type DriverRecord, type PageRequest, type Write } from "../../driver.ts";
import { InvalidInputError, ObjectStoreError } from "../../errors.ts";
import { fromPythonIso, parsePythonJson, pythonIso, pythonJson, versionNumber } from "../../original/formats.ts";
import { compareCodePoints, matchesTerms, searchText } from "../../query.ts";
import { selectPage } from "../../select.ts";
import { type DynamoClient, dynamoClient, isCode, type RetryPolicy } from "./client.ts";

/** Options of {@link originalDynamoDriver}. */
export interface OriginalDynamoDriverOptions {
  config: DynamoDBConfig;
  fetch: typeof fetch;
  retry?: RetryPolicy;
}

type Attr = { S: string } | { N: string };
type Item = Record<string, Attr>;

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Creates the driver. No I/O until the first operation.
 *
 * @example
 * ```ts
 * const driver = originalDynamoDriver({ config: { ...dynamoConfig, layout: "original" }, fetch });
 * ```
 */
export function originalDynamoDriver(options: OriginalDynamoDriverOptions): Driver {
  const { config } = options;
  const region = config.region_name;
  const client = dynamoClient({
    accessKeyId: config.aws_access_key_id,
    secretAccessKey: config.aws_secret_access_key,
    sessionToken: config.aws_session_token,
    region,
    endpoint: config.endpoint_url !== "None" ? config.endpoint_url : `https://dynamodb.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`,
    fetch: options.fetch,
    retry: options.retry,
  });
  const base = `${config.objectPrefix ?? ""}_objData_`;
  const single = config.single_table_mode;
  const tableOf = (type: string): string => {
    const name = single ? `${base}xx` : base + type;
    if (!TABLE_NAME.test(name)) {
      throw new InvalidInputError("INVALID_OBJECT_TYPE", `The original DynamoDB layout in multi-table mode names a table after the type: ${JSON.stringify(type)} does not make a valid table name (letters, digits, _ . -)`);
    }
    return name;
  };
  const made = new Set<string>();
  const ensureTable = async (table: string) => {
    if (made.has(table)) return;
    try {
      await client.call("CreateTable", {
        TableName: table,
        KeySchema: [{ AttributeName: "partition_key", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "partition_key", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      });
    } catch (e) {
      if (!isCode(e, "ResourceInUseException")) throw e;
    }
    for (let attempt = 0; ; attempt++) {
      const { Table } = await client.call<{ Table: { TableStatus: string } }>("DescribeTable", { TableName: table });
      if (Table.TableStatus === "ACTIVE") break;
      await client.backoff(Math.min(attempt, 6));
    }
    made.add(table);
  };
  /** Reads; a missing table holds nothing. */
  const read = <T>(operation: string, input: unknown, empty: T, signal?: AbortSignal): Promise<T> =>
    client.call<T>(operation, input, signal ? { signal } : {}).catch((e) => {
      if (isCode(e, "ResourceNotFoundException")) return empty;
      throw e;
    });

  async function* scanType(type: string, signal?: AbortSignal): AsyncGenerator<DriverRecord> {
    const input: Record<string, unknown> = {
      TableName: tableOf(type),
      FilterExpression: "begins_with(partition_key, :p)",
      ExpressionAttributeValues: { ":p": { S: `${type}_` } },
      ConsistentRead: true,
    };
    do {
      const answer = await read<{ Items: Item[]; LastEvaluatedKey?: Item }>("Scan", input, { Items: [] }, signal);
      // begins_with also matches longer types that start with this one and "_" (types have no "_", keys may).
      for (const item of answer.Items) if (str(item, "objectType") === type) yield decode(item);
      input.ExclusiveStartKey = answer.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
  }

  const sorted = async (type: string, terms: string[], signal?: AbortSignal) => {
    const records: DriverRecord[] = [];
    for await (const record of scanType(type, signal)) if (terms.length === 0 || matchesTerms(searchText(record.key, record.value), terms)) records.push(record);
    return records.sort((a, b) => compareCodePoints(a.key, b.key));
  };

  return {
    kind: "DynamoDB",

    async get(type, key, options) {
      const { Item } = await read<{ Item?: Item }>("GetItem", { TableName: tableOf(type), Key: { partition_key: { S: `${type}_${key}` } }, ConsistentRead: true }, {}, options?.signal);
      return Item && decode(Item);
    },

    async page(type, request: PageRequest, options) {
      return selectPage(await sorted(type, [], options?.signal), request, (r) => r);
    },

    async *scan(type, terms, options) {
      yield* await sorted(type, terms, options?.signal);
    },

    async types() {
      const found = new Set<string>();
      if (single) {
        const input: Record<string, unknown> = { TableName: `${base}xx`, ProjectionExpression: "objectType" };
        do {
          const answer = await read<{ Items: Item[]; LastEvaluatedKey?: Item }>("Scan", input, { Items: [] });
          for (const item of answer.Items) found.add(str(item, "objectType"));
          input.ExclusiveStartKey = answer.LastEvaluatedKey;
        } while (input.ExclusiveStartKey);
        return [...found];
      }
      const input: Record<string, unknown> = { ExclusiveStartTableName: undefined };
      do {
        const answer = await client.call<{ TableNames: string[]; LastEvaluatedTableName?: string }>("ListTables", input);
        for (const table of answer.TableNames) {
          if (!table.startsWith(base)) continue;
          const type = table.slice(base.length);
          const { Count } = await read<{ Count: number }>("Scan", { TableName: table, Limit: 1, Select: "COUNT" }, { Count: 0 });
          if (Count > 0) found.add(type);
        }
        input.ExclusiveStartTableName = answer.LastEvaluatedTableName;
      } while (input.ExclusiveStartTableName);
      return [...found];
    },

    async commit(writes: Write[]) {
      const items: { index: number; op: Record<string, unknown>; table: string }[] = [];
      const truncated = new Set(writes.flatMap((w) => (w.op === "truncate" ? [w.type] : [])));
      for (const [index, write] of writes.entries()) {
        if (write.op === "truncate") continue;
        const table = tableOf(write.type);
        const Key = { partition_key: { S: `${write.type}_${write.key}` } };
        const expect = truncated.has(write.type) ? { any: true as const } : write.expect;
        const condition = "absent" in expect
          ? { ConditionExpression: "attribute_not_exists(partition_key)" }
          : "present" in expect
          ? { ConditionExpression: "attribute_exists(partition_key)" }
          : "version" in expect
          ? versionCondition(expect.version)
          : {};
        const op = write.op === "put"
          ? { Put: { TableName: table, Item: encode(write.type, write.record), ...condition, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } }
          : { Delete: { TableName: table, Key, ...condition, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } };
        items.push({ index, op, table });
      }
      for (const type of truncated) {
        const written = new Set(writes.flatMap((w) => (w.op !== "truncate" && w.type === type ? [w.key] : [])));
        for await (const record of scanType(type)) {
          if (written.has(record.key)) continue;
          items.push({ index: -1, op: { Delete: { TableName: tableOf(type), Key: { partition_key: { S: `${type}_${record.key}` } } } }, table: tableOf(type) });
        }
      }
      if (items.length === 0) return;
      if (items.length > 100) {
        throw new ObjectStoreError("TRANSACTION_TOO_LARGE", `Commit too large for one DynamoDB transaction: ${items.length} items (at most 100)`);
      }
      // The original creates a type's table on first use, reads included; a write here needs it.
      for (const table of new Set(items.map((i) => i.table))) await ensureTable(table);
      await transact(client, items);
    },

    async close() {},
  };
}

async function transact(client: DynamoClient, items: { index: number; op: Record<string, unknown> }[]): Promise<void> {
  // One token for every attempt: DynamoDB answers a repeat of an applied transaction with success.
  const ClientRequestToken = crypto.randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      await client.call("TransactWriteItems", { TransactItems: items.map((i) => i.op), ClientRequestToken });
      return;
    } catch (e) {
      if (isCode(e, "TransactionCanceledException")) {
        const reasons = ((e as { body?: { CancellationReasons?: { Code: string; Item?: Item }[] } }).body?.CancellationReasons) ?? [];
        const failed = reasons.findIndex((r) => r.Code === "ConditionalCheckFailed");
        if (failed >= 0) {
          const item = reasons[failed]!.Item;
          throw new CommitConflict(items[failed]!.index, item?.objectVersion ? (item.objectVersion as { N: string }).N : undefined);
        }
        if (reasons.some((r) => r.Code === "TransactionConflict") && attempt < client.attempts) {
          await client.backoff(attempt);
          continue;
        }
      }
      throw e;
    }
  }
}

/**
 * The condition "the stored version is `version`". Stored versions are integers, so a version
 * that is not an integer's canonical text ("02", "1.5") never matches: its condition is false.
 */
function versionCondition(version: string): Record<string, unknown> {
  const n = Number(version);
  if (!Number.isSafeInteger(n) || n < 1 || String(n) !== version) {
    return { ConditionExpression: "attribute_exists(partition_key) AND attribute_not_exists(partition_key)" };
  }
  return { ConditionExpression: "objectVersion = :v", ExpressionAttributeValues: { ":v": { N: version } } };
}

const str = (item: Item, name: string): string => {
  const attr = item[name];
  return attr && "S" in attr ? attr.S : "";
};

function decode(item: Item): DriverRecord {
  const type = str(item, "objectType"), key = str(item, "objectKey");
  const where = `${type}/${key}`;
  const version = item.objectVersion && "N" in item.objectVersion ? item.objectVersion.N : str(item, "objectVersion");
  return {
    key,
    value: parsePythonJson(str(item, "objectDICT"), where),
    version: String(Number(version)),
    created: fromPythonIso(str(item, "creationDate"), where),
    updated: fromPythonIso(str(item, "lastUpdateData"), where),
  };
}

function encode(type: string, record: DriverRecord): Item {
  return {
    partition_key: { S: `${type}_${record.key}` },
    objectType: { S: type },
    objectKey: { S: record.key },
    objectVersion: { N: String(versionNumber(record.version)) },
    creationDate: { S: pythonIso(record.created) },
    lastUpdateData: { S: pythonIso(record.updated) },
    objectDICT: { S: pythonJson(record.value) },
  };
}
