import { afterEach, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type DynamoDBConfig, type ObjectStore } from "../mod.ts";
import { collect, expectError } from "./conformance/harness.ts";
import { InvalidInputError, ObjectStoreError } from "../mod.ts";
import { dynamoConfig, uniquePrefix } from "./support/dynamodb-config.ts";
import { recordingFetch } from "./support/dynamodb-fetch.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";
import { dynamoClient } from "../src/drivers/dynamodb/client.ts";

const local = useDynamoDBLocal();

let opened: ObjectStore[] = [];
afterEach(async () => {
  for (const store of opened) await store.close();
  opened = [];
});

function open(config: DynamoDBConfig, fetchFn?: typeof fetch): ObjectStore {
  const store = createObjectStoreInstance(config, fetchFn ? { fetch: fetchFn } : {});
  opened.push(store);
  return store;
}

const MODES = [["single-table", true], ["multi-table", false]] as const;

if (local.ready) {
  for (const [mode, single] of MODES) {
    describe(`DynamoDB ${mode}: persistence and isolation`, () => {
      test("a new store instance on the same prefix sees existing objects and types", async () => {
        const config = dynamoConfig(local.endpoint(), { single_table_mode: single });
        const first = open(config);
        await first.save("Person", "ann", { name: "Ann" });
        await first.save("Pet", "rex", { kind: "dog" });
        await first.close();
        const second = open(config);
        expect(await second.get("Person", "ann")).toMatchObject({ value: { name: "Ann" }, version: "1" });
        expect(await second.types()).toEqual(["Person", "Pet"]);
        expect((await second.save("Person", "ann", { name: "Ann B" }, "1")).version).toBe("2");
        expect((await second.page("Pet")).result.map((o) => o.key)).toEqual(["rex"]);
      });

      test("stores with different prefixes share nothing", async () => {
        const endpoint = local.endpoint();
        const one = open(dynamoConfig(endpoint, { single_table_mode: single }));
        const two = open(dynamoConfig(endpoint, { single_table_mode: single }));
        await one.save("T", "k", 1);
        await two.save("U", "k", 2);
        expect(await two.get("T", "k")).toBeUndefined();
        expect(await one.types()).toEqual(["T"]);
        expect(await two.types()).toEqual(["U"]);
        await two.truncate("T");
        expect((await one.get("T", "k"))?.value).toBe(1);
      });

      test("8 concurrent writers × 50 update increments end exact", async () => {
        const config = dynamoConfig(local.endpoint(), { single_table_mode: single });
        const writers = Array.from({ length: 8 }, () => open(config));
        await writers[0]!.save("Counter", "c", { n: 0 });
        await Promise.all(writers.map(async (store) => {
          for (let i = 0; i < 50; i++) {
            await store.transaction((tx) => tx.update("Counter", "c", (v) => ({ n: (v as { n: number }).n + 1 })), { retries: 1000 });
          }
        }));
        const final = await writers[0]!.get("Counter", "c");
        expect(final?.value).toEqual({ n: 400 });
        expect(final?.version).toBe("401");
      }, 120_000);
    });
  }

  describe("DynamoDB requests", () => {
    test("get, create and remove are one request each (a write: a TransactWriteItems of one); listing is Query, never Scan", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint()), net.fetch);
      await store.save("T", "warm", 0); // creates the table and registers the type
      net.reset();
      await store.get("T", "warm");
      expect(net.log.map((e) => e.op)).toEqual(["GetItem"]);
      net.reset();
      await store.save("T", "a", { x: 1 });
      expect(net.log.map((e) => e.op)).toEqual(["TransactWriteItems"]);
      net.reset();
      await store.remove("T", "a");
      expect(net.log.map((e) => e.op)).toEqual(["TransactWriteItems"]);
      net.reset();
      await store.page("T", { pagesize: 5 });
      await store.page("T", { sort: "x:desc", query: "w" });
      await collect(store.scan("T"));
      await store.types();
      expect(new Set(net.log.map((e) => e.op))).toEqual(new Set(["Query"]));
    });

    test("a versioned save is a GetItem and a TransactWriteItems of one; it keeps created and leaves the item as a put would", async () => {
      const net = recordingFetch();
      const config = dynamoConfig(local.endpoint());
      const store = open(config, net.fetch);
      const first = await store.save("T", "k", "all lower");
      net.reset();
      const saved = await store.save("T", "k", { Name: "Upper" }, "1");
      expect(net.log.map((e) => e.op)).toEqual(["GetItem", "TransactWriteItems"]);
      expect(saved.version).toBe("2");
      expect(saved.created).toBe(first.created);
      expect(await store.get("T", "k")).toEqual({ type: "T", key: "k", value: { Name: "Upper" }, version: "2", created: first.created, updated: saved.updated });
      // Same attributes as a put of the same value, search text included.
      await store.save("T", "p", { Name: "Upper" });
      const client = dynamoClient({ accessKeyId: config.aws_access_key_id, secretAccessKey: "b", region: "us-east-1", endpoint: local.endpoint(), fetch });
      const raw = async (key: string) =>
        (await client.call<{ Item: Record<string, { S: string }> }>("GetItem", { TableName: `${config.objectPrefix}objstore`, Key: { pk: { S: "T" }, sk: { S: key } } })).Item;
      const [replaced, put] = [await raw("k"), await raw("p")];
      expect(Object.keys(replaced).sort()).toEqual(Object.keys(put).sort());
      expect(replaced.txt).toEqual({ S: "k\n{\"name\":\"upper\"}" });
      expect((await store.page("T", { query: "upper" })).result.map((o) => o.key)).toEqual(["k", "p"]);
      expect((await store.page("T", { query: "lower" })).pagination.total).toBe(0);
      // Back to lower case: the search text is the key only, the value itself is searched.
      await store.save("T", "k", "lower again", "2");
      expect((await raw("k")).txt).toEqual({ S: "k" });
      expect((await store.page("T", { query: "again" })).result.map((o) => o.key)).toEqual(["k"]);
    });

    test("a versioned save's conflicts: WRONG_OBJECT_VERSION, OBJECT_MISSING (missing table too), nothing written", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint(), { single_table_mode: false }), net.fetch);
      await expectError(store.save("Nothing", "k", 1, "1"), ObjectStoreError, "OBJECT_MISSING");
      expect(net.log.map((e) => e.op)).toEqual(["GetItem"]);
      await store.save("T", "k", 1);
      await store.save("T", "k", 2, "1");
      net.reset();
      const error = await expectError(store.save("T", "k", 3, "1"), ObjectStoreError, "WRONG_OBJECT_VERSION");
      expect(error.message).toContain("version 2");
      await expectError(store.save("T", "missing", 3, "1"), ObjectStoreError, "OBJECT_MISSING");
      expect(net.log.map((e) => e.op)).toEqual(["GetItem", "GetItem"]);
      expect(await store.get("T", "k")).toMatchObject({ value: 2, version: "2" });
      expect(await store.get("T", "missing")).toBeUndefined();
    });

    test("a versioned save above 400 KB is INVALID_VALUE before sending", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint()), net.fetch);
      await store.save("T", "k", 1);
      net.reset();
      await expectError(store.save("T", "k", { s: "X".repeat(210_000) }, "1"), InvalidInputError, "INVALID_VALUE");
      expect(net.count("TransactWriteItems")).toBe(0);
      await store.save("T", "k", { s: "x".repeat(400_000) }, "1");
      expect(await store.get("T", "k")).toMatchObject({ version: "2" });
    });

    test("a missing table reads as empty and reads never create tables", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint(), { single_table_mode: false }), net.fetch);
      expect(await store.get("Nothing", "k")).toBeUndefined();
      expect(await store.page("Nothing")).toEqual({ pagination: { offset: 0, pagesize: 100, total: 0 }, result: [] });
      expect(await collect(store.scan("Nothing"))).toEqual([]);
      expect(await store.types()).toEqual([]);
      await store.remove("Nothing", "k", { ignoreMissing: true });
      await expectError(store.remove("Nothing", "k"), ObjectStoreError, "OBJECT_MISSING");
      expect(net.count("CreateTable")).toBe(0);
    });

    test("tables are created on first write, PAY_PER_REQUEST, and used once ACTIVE", async () => {
      const net = recordingFetch();
      const config = dynamoConfig(local.endpoint(), { single_table_mode: "FALSE" as unknown as boolean });
      const store = open(config, net.fetch);
      await store.save("Ünï Type", "k", 1);
      const creates = net.log.filter((e) => e.op === "CreateTable").length;
      expect(creates).toBe(2); // the registry table and the type's own table
      expect(net.count("DescribeTable")).toBeGreaterThanOrEqual(2);
      // DynamoDB Local keeps tables per access key and region: list them with the store's.
      const client = dynamoClient({ accessKeyId: config.aws_access_key_id, secretAccessKey: "b", region: "us-east-1", endpoint: local.endpoint(), fetch });
      const tables = await client.call<{ TableNames: string[] }>("ListTables", {});
      const mine = tables.TableNames.filter((t) => t.startsWith(config.objectPrefix!));
      expect(mine.sort()).toEqual([`${config.objectPrefix}objstore`, `${config.objectPrefix}objstore-_c3_9cn_c3_af_20.type`].sort());
    });

    test("a table deleted behind the store's back is created again on the next write", async () => {
      const config = dynamoConfig(local.endpoint(), { single_table_mode: false });
      const store = open(config);
      await store.save("Gone", "a", 1);
      const client = dynamoClient({ accessKeyId: config.aws_access_key_id, secretAccessKey: "b", region: "us-east-1", endpoint: local.endpoint(), fetch });
      await client.call("DeleteTable", { TableName: `${config.objectPrefix}objstore-.gone` });
      expect(await store.get("Gone", "a")).toBeUndefined();
      await store.save("Gone", "b", 2);
      expect((await store.page("Gone")).result.map((o) => o.key)).toEqual(["b"]);
    });

    test("endpoint_url \"None\" means the region's AWS endpoint, signed for dynamodb", async () => {
      const seen: Request[] = [];
      const fake = (async (input: RequestInfo | URL, init?: RequestInit) => {
        seen.push(new Request(input, init));
        return new Response("{}", { status: 200 });
      }) as typeof fetch;
      const store = open({ ...dynamoConfig("None"), endpoint_url: "None", region_name: "eu-west-2" }, fake);
      expect(await store.get("T", "k")).toBeUndefined();
      expect(seen[0]!.url).toBe("https://dynamodb.eu-west-2.amazonaws.com/");
      expect(seen[0]!.headers.get("authorization")).toContain("/eu-west-2/dynamodb/aws4_request");
      expect(seen[0]!.headers.get("x-amz-target")).toBe("DynamoDB_20120810.GetItem");
    });
  });

  describe("DynamoDB transactions and limits", () => {
    test("a multi-write commit with one failing condition writes nothing", async () => {
      const store = open(dynamoConfig(local.endpoint()));
      await store.save("A", "1", "a1");
      await store.save("B", "2", "b2");
      await expectError(store.transaction(async (tx) => {
        await tx.save("A", "1", "a1 changed", "1");
        await tx.save("A", "new", "new");
        await tx.remove("B", "2");
        await store.save("B", "2", "b2 changed elsewhere", "1"); // makes the remove's condition fail at commit
      }), ObjectStoreError, "WRONG_OBJECT_VERSION");
      expect((await store.get("A", "1"))?.value).toBe("a1");
      expect(await store.get("A", "new")).toBeUndefined();
      expect(await store.get("B", "2")).toMatchObject({ value: "b2 changed elsewhere", version: "2" });
    });

    test("more than 100 writes is TRANSACTION_TOO_LARGE before anything is sent", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint()), net.fetch);
      await store.save("T", "warm", 0);
      net.reset();
      await expectError(store.transaction(async (tx) => {
        for (let i = 0; i < 101; i++) await tx.save("T", `k${i}`, i);
      }), ObjectStoreError, "TRANSACTION_TOO_LARGE");
      expect(net.log.map((e) => e.op).filter((op) => op !== "GetItem")).toEqual([]);
      await store.transaction(async (tx) => {
        for (let i = 0; i < 100; i++) await tx.save("T", `k${i}`, i);
      });
      expect((await store.page("T", { pagesize: 0 })).pagination.total).toBe(101);
    });

    test("truncate follows every page and batch-deletes 25 at a time", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint()), net.fetch);
      for (let i = 0; i < 3; i++) {
        await store.transaction(async (tx) => {
          for (let j = 0; j < 20; j++) await tx.save("Many", `k${i}-${j}`, { pad: "x".repeat(100) });
        });
      }
      net.reset();
      await store.truncate("Many");
      expect(net.count("BatchWriteItem")).toBe(3);
      expect((await store.page("Many")).pagination.total).toBe(0);
      expect(await store.types()).toEqual([]);
    });

    test("truncate with other writes is one transaction; past 100 items it is TRANSACTION_TOO_LARGE", async () => {
      const store = open(dynamoConfig(local.endpoint()));
      await store.transaction(async (tx) => {
        for (let i = 0; i < 60; i++) await tx.save("T", `k${i}`, i);
      });
      await store.transaction(async (tx) => {
        await tx.truncate("T");
        await tx.save("T", "k1", "after truncate");
        await tx.save("Other", "k2", 1); // same key in another type: not exempt from the truncate
      });
      expect((await store.page("T")).result.map((o) => [o.key, o.value, o.version])).toEqual([["k1", "after truncate", "1"]]);
      expect((await store.get("Other", "k2"))?.value).toBe(1);
      await store.transaction(async (tx) => {
        for (let i = 0; i < 60; i++) await tx.save("U", `k${i}`, i);
      });
      await expectError(store.transaction(async (tx) => {
        await tx.truncate("U");
        for (let i = 0; i < 50; i++) await tx.save("V", `k${i}`, i);
      }), ObjectStoreError, "TRANSACTION_TOO_LARGE");
      expect((await store.page("U", { pagesize: 0 })).pagination.total).toBe(60);
      expect((await store.page("V", { pagesize: 0 })).pagination.total).toBe(0);
    });

    test("an item above 400 KB is INVALID_VALUE before sending; just below is stored", async () => {
      const net = recordingFetch();
      const store = open(dynamoConfig(local.endpoint()), net.fetch);
      await store.save("T", "warm", 0);
      net.reset();
      const error = await expectError(store.save("T", "big", { s: "x".repeat(410_000) }), InvalidInputError, "INVALID_VALUE");
      expect(error.message).toContain("400 KB");
      expect(net.count()).toBe(0);
      // Upper case is stored with a lower-cased search copy: the limit counts both.
      await expectError(store.save("T", "big", { s: "X".repeat(210_000) }), InvalidInputError, "INVALID_VALUE");
      await store.save("T", "big", { s: "x".repeat(400_000) });
      expect(((await store.get("T", "big"))?.value as { s: string }).s.length).toBe(400_000);
      expect((await store.page("T", { query: "xxxx" })).pagination.total).toBe(1);
    });
  });
}
