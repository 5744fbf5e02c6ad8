// `"layout": "original"` on DynamoDB: items written in the Python original's exact format (by
// test/original/python_formats.py, the way object_store_abstraction writes them) are read as
// objects; objstore's writes are read back by the Python side's own decoding; and the seed's
// migration runs end to end (Migrating{From: original, To: objstore layout} with writers
// running, then migrate and verify with 0 differences), on DynamoDB Local.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createObjectStoreInstance, type DynamoDBConfig, migrate, type ObjectStore, verify } from "../mod.ts";
import { dynamoClient } from "../src/drivers/dynamodb/client.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";

const here = dirname(fileURLToPath(import.meta.url));
const python = (args: string[], input?: string): string => {
  const run = spawnSync("python3", [join(here, "original", "python_formats.py"), ...args], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
};

type Item = Record<string, { S: string } | { N: string }>;
interface Sample {
  items: Item[];
  expected: { type: string; key: string; value: unknown; version: string; created: string; updated: string }[];
}

const local = useDynamoDBLocal();

/** Puts the Python-made items into the original's table, created as the original creates it. */
async function seed(config: DynamoDBConfig, items: Item[]): Promise<string> {
  const client = dynamoClient({ accessKeyId: config.aws_access_key_id, secretAccessKey: config.aws_secret_access_key, region: config.region_name, endpoint: config.endpoint_url, fetch });
  const table = `${config.objectPrefix}_objData_xx`;
  await client.call("CreateTable", {
    TableName: table,
    KeySchema: [{ AttributeName: "partition_key", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "partition_key", AttributeType: "S" }],
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  for (const Item of items) await client.call("PutItem", { TableName: table, Item });
  return table;
}

async function rawItems(config: DynamoDBConfig, table: string): Promise<Item[]> {
  const client = dynamoClient({ accessKeyId: config.aws_access_key_id, secretAccessKey: config.aws_secret_access_key, region: config.region_name, endpoint: config.endpoint_url, fetch });
  const out: Item[] = [];
  let start: unknown;
  do {
    const answer = await client.call<{ Items: Item[]; LastEvaluatedKey?: unknown }>("Scan", { TableName: table, ExclusiveStartKey: start });
    out.push(...answer.Items);
    start = answer.LastEvaluatedKey;
  } while (start);
  return out;
}

if (local.ready) {
  describe("DynamoDB, the original's layout", () => {
    const sample = JSON.parse(python(["dynamodb-items"])) as Sample;

    test("reads what the Python original wrote: values (RJM tags kept), versions, dates, types, pages", async () => {
      const config = dynamoConfig(local.endpoint(), { layout: "original" });
      await seed(config, sample.items);
      const store = createObjectStoreInstance(config);
      for (const want of sample.expected) {
        const got = await store.get(want.type, want.key);
        expect(got).toEqual(want);
      }
      expect(await store.types()).toEqual(["Order", "Person"]);
      const page = await store.page("Person", { pagesize: 5, sort: "age:desc", query: "person" });
      expect(page.pagination.total).toBe(40);
      expect(page.result.map((o) => o.key)).toEqual(["p39", "p38", "p37", "p36", "p35"]);
      expect((await store.page("Order")).result.map((o) => o.key)).toEqual(["100%", "a/b", "key_with_underscores", "sp ace", "ümlaut"]);
      await store.close();
    });

    test("writes what the Python original reads, with atomic version checks", async () => {
      const config = dynamoConfig(local.endpoint(), { layout: "original" });
      const table = await seed(config, sample.items);
      const store = createObjectStoreInstance(config);
      const p1 = await store.get("Person", "p01");
      await store.save("Person", "p01", { ...(p1!.value as object), name: "Renamed é" }, p1!.version);
      await expect(store.save("Person", "p01", {}, p1!.version)).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
      await expect(store.save("Person", "p02", {})).rejects.toMatchObject({ code: "OBJECT_EXISTS" });
      await store.save("Person", "new", { raw: { rj5mt3ypebdf3ase_TYPE: "RJMTypeBytesClass", data: "made by objstore" }, price: { rj5mt3ypebdf3ase_TYPE: "RJMTypeDecimalClass", data: "9.99" } });
      await store.remove("Person", "p03");
      await store.transaction(async (tx) => {
        await tx.update("Order", "a/b", (v) => ({ ...(v as object), touched: true }));
        await tx.save("Order", "tx", [1, "two"]);
      });
      const items = await rawItems(config, table);
      expect(python(["check-dynamodb"], JSON.stringify(items)).trim()).toBe(`ok ${sample.items.length + 1}`);
      const renamed = items.find((i) => (i.partition_key as { S: string }).S === "Person_p01")!;
      expect((renamed.objectVersion as { N: string }).N).toBe(String(Number(p1!.version) + 1));
      expect((renamed.objectDICT as { S: string }).S).toContain('"name": "Renamed \\u00e9"');
      expect((renamed.creationDate as { S: string }).S).toBe(sample.items.find((i) => (i.partition_key as { S: string }).S === "Person_p01")!.creationDate!.S.replace("123456", "123000"));
      await store.close();
    });

    test("the seed's migration: Migrating{From: original, To: objstore} with writers running, then migrate and verify: 0 differences", async () => {
      const fromConfig = dynamoConfig(local.endpoint(), { layout: "original" });
      const table = await seed(fromConfig, sample.items);
      const toConfig = dynamoConfig(local.endpoint());
      const live = createObjectStoreInstance({ Type: "Migrating", From: fromConfig, To: toConfig });
      const from = createObjectStoreInstance(fromConfig);
      const to = createObjectStoreInstance(toConfig);
      let writing = true;
      const writer = async (n: number) => {
        for (let i = 0; writing; i++) {
          const key = `p${String((i * 7 + n) % 40).padStart(2, "0")}`;
          await live.update("Person", key, (v) => ({ ...(v as object), bumped: i }));
          if (i % 5 === 0) await live.save("Person", `live-${n}-${i}`, { n, i });
          if (i % 9 === 0) await live.remove("Person", `live-${n}-${i - 5}`, { ignoreMissing: true });
        }
      };
      const writers = [writer(1), writer(2)];
      const result = await migrate({ from, to, batchSize: 10 });
      writing = false;
      await Promise.all(writers);
      expect(result.processed).toBeGreaterThanOrEqual(sample.items.length);
      const check = await verify({ from, to });
      expect({ missing: check.missing, extra: check.extra, different: check.different }).toEqual({ missing: 0, extra: 0, different: 0 });
      // The Python-format data is still readable in place.
      const items = await rawItems(fromConfig, table);
      expect(python(["check-dynamodb"], JSON.stringify(items))).toMatch(/^ok /);
      for (const store of [live, from, to] as ObjectStore[]) await store.close();
    }, 120_000);
  });
} else {
  test.skip("original DynamoDB layout (skipped: no DynamoDB Local, see the message above)", () => {});
}
