/**
 * The DynamoDB driver (aws4fetch over fetch) vs `@aws-sdk/client-dynamodb` making the same
 * calls against the same DynamoDB Local: latency per operation, requests per operation, and the
 * min+gzip bundle size of each. Run from the repository root (needs Java; fetches the emulator
 * into .cache/ like the tests):
 *
 *   .tools/node_modules/.bin/bun bench/dynamodb.ts [iterations=300] [objects=1000]
 *
 * Operations (same DynamoDB calls on both sides, strongly consistent reads):
 * - get: GetItem of a random one of the seeded objects;
 * - save (create): one TransactWriteItems of one conditional Put (attribute_not_exists) with a
 *   ClientRequestToken (so a retry after a lost answer is idempotent);
 * - save with version: GetItem (for `created`), then a TransactWriteItems of one Put (ver = :v);
 * - page: the first 20 in key order with the total: Query (Limit 20) and Query Select COUNT in parallel;
 * - remove: one TransactWriteItems of one conditional Delete.
 * The "plain" rows are the SDK making the single-item calls the driver made before (conditional
 * PutItem / UpdateItem / DeleteItem), for the cost of the transactional form.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type DynamoDBConfig } from "../mod.ts";
import { recordingFetch } from "../test/support/dynamodb-fetch.ts";
import { startDynamoDBLocal } from "../test/support/dynamodb-local.ts";

const ITERATIONS = Number(process.argv[2] ?? 300);
const OBJECTS = Number(process.argv[3] ?? 1000);
const TYPE = "Bench";

const local = await startDynamoDBLocal();
try {
  const config: DynamoDBConfig = {
    Type: "DynamoDB",
    aws_access_key_id: "AKIDBENCH",
    aws_secret_access_key: "bench-secret",
    region_name: "us-east-1",
    endpoint_url: local.endpoint,
    single_table_mode: true,
    objectPrefix: "bench.",
  };
  const net = recordingFetch();
  const store = createObjectStoreInstance(config, { fetch: net.fetch });
  const table = "bench.objstore";
  const valueOf = (i: number) => ({ n: i, name: `Item ${i}`, tags: ["a", "b"], score: (i * 7919) % 1000 });
  const key = (i: number) => `item-${String(i).padStart(6, "0")}`;
  for (let i = 0; i < OBJECTS; i += 100) {
    await store.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + 100, OBJECTS); j++) await tx.save(TYPE, key(j), valueOf(j));
    });
  }

  let sdkRequests = 0;
  const sdk = new DynamoDBClient({
    region: "us-east-1",
    endpoint: local.endpoint,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" },
  });
  sdk.middlewareStack.add((next) => (args) => (sdkRequests++, next(args)), { step: "finalizeRequest", priority: "low" });
  const S = (s: string) => ({ S: s });
  // The SDK writes items of the same shape as the driver, so both read the same table.
  const sdkItem = (k: string, version: string) => {
    const val = JSON.stringify(valueOf(1));
    return { pk: S(TYPE), sk: S(k), val: S(val), ver: S(version), cre: S(new Date().toISOString()), upd: S(new Date().toISOString()), tok: S("sdk"), txt: S(k) };
  };

  let oCreated = 0;
  let sCreated = 0;
  let pCreated = 0;
  const transact = (item: Record<string, unknown>) =>
    sdk.send(new TransactWriteItemsCommand({ TransactItems: [item] as never, ClientRequestToken: crypto.randomUUID() }));
  const versions: string[] = [];
  const sdkVersions: string[] = [];
  const ops: Record<string, { objstore: () => Promise<unknown>; sdk: () => Promise<unknown> }> = {
    get: {
      objstore: () => store.get(TYPE, key(Math.floor(Math.random() * OBJECTS))),
      sdk: () => sdk.send(new GetItemCommand({ TableName: table, Key: { pk: S(TYPE), sk: S(key(Math.floor(Math.random() * OBJECTS))) }, ConsistentRead: true })),
    },
    "save (create)": {
      objstore: () => store.save(TYPE, `new-o-${oCreated++}`, valueOf(oCreated)),
      sdk: () => transact({ Put: { TableName: table, Item: sdkItem(`new-s-${sCreated++}`, "1"), ConditionExpression: "attribute_not_exists(pk)" } }),
    },
    "plain PutItem create (SDK; the driver's call before)": {
      objstore: () => sdk.send(new PutItemCommand({ TableName: table, Item: sdkItem(`new-p-${pCreated++}`, "1"), ConditionExpression: "attribute_not_exists(pk)" })),
      sdk: () => sdk.send(new PutItemCommand({ TableName: table, Item: sdkItem(`new-p-${pCreated++}`, "1"), ConditionExpression: "attribute_not_exists(pk)" })),
    },
    "save with version": {
      objstore: async () => {
        const i = 4 * Math.floor((Math.random() * OBJECTS) / 4); // keys 0 mod 4; the SDK side takes 1 mod 4, the plain rows 2 and 3
        versions[i] = (await store.save(TYPE, key(i), valueOf(i), versions[i] ?? "1")).version;
      },
      sdk: async () => {
        const i = 4 * Math.floor((Math.random() * OBJECTS) / 4) + 1;
        // The calls the driver makes: a read for `cre`, then a conditional transactional put.
        const version = sdkVersions[i] ?? "1";
        const item = sdkItem(key(i), String(Number(version) + 1));
        const { Item } = await sdk.send(new GetItemCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }));
        if (Item?.ver?.S !== version) throw new Error("unexpected version");
        await transact({ Put: { TableName: table, Item: { ...item, cre: Item.cre! }, ConditionExpression: "ver = :v", ExpressionAttributeValues: { ":v": S(version) } } });
        sdkVersions[i] = item.ver!.S!;
      },
    },
    "plain UpdateItem save with version (SDK; the driver's call before)": {
      objstore: () => plainUpdate(0),
      sdk: () => plainUpdate(1),
    },
    "page (20, key order, total)": {
      objstore: () => store.page(TYPE, { pagesize: 20 }),
      sdk: () => {
        const q = { TableName: table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S(TYPE) }, ConsistentRead: true };
        return Promise.all([sdk.send(new QueryCommand({ ...q, Limit: 20 })), sdk.send(new QueryCommand({ ...q, Select: "COUNT" }))]);
      },
    },
    remove: {
      objstore: () => store.remove(TYPE, `new-o-${--oCreated}`),
      sdk: () => transact({ Delete: { TableName: table, Key: { pk: S(TYPE), sk: S(`new-s-${--sCreated}`) }, ConditionExpression: "attribute_exists(pk)" } }),
    },
    "plain DeleteItem remove (SDK; the driver's call before)": {
      objstore: () => sdk.send(new DeleteItemCommand({ TableName: table, Key: { pk: S(TYPE), sk: S(`new-p-${--pCreated}`) }, ConditionExpression: "attribute_exists(pk)" })),
      sdk: () => sdk.send(new DeleteItemCommand({ TableName: table, Key: { pk: S(TYPE), sk: S(`new-p-${--pCreated}`) }, ConditionExpression: "attribute_exists(pk)" })),
    },
  };
  // The single-item versioned save the driver made before: one conditional UpdateItem keeping `cre`.
  const plainVersions: string[] = [];
  async function plainUpdate(side: number) {
    const i = 4 * Math.floor((Math.random() * OBJECTS) / 4) + 2 + side;
    const version = plainVersions[i] ?? "1";
        const item = sdkItem(key(i), String(Number(version) + 1));
        const answer = await sdk.send(new UpdateItemCommand({
          TableName: table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET val = :val, ver = :ver, upd = :upd, tok = :tok, txt = :txt",
          ConditionExpression: "ver = :v",
          ExpressionAttributeValues: { ":v": S(version), ":val": item.val, ":ver": item.ver, ":upd": item.upd, ":tok": item.tok, ":txt": item.txt },
          ReturnValues: "ALL_OLD",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }));
        if (!answer.Attributes?.cre) throw new Error("no created stamp in the answer");
    plainVersions[i] = item.ver!.S!;
  }

  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  const rows: string[] = [];
  for (const [name, pair] of Object.entries(ops)) {
    for (let i = 0; i < 20; i++) await pair.objstore(), await pair.sdk(); // warm-up
    net.reset();
    sdkRequests = 0;
    // Alternate the two sides call by call, so both see the same machine load.
    const times = { objstore: [] as number[], sdk: [] as number[] };
    for (let i = 0; i < ITERATIONS; i++) {
      for (const side of i % 2 ? (["sdk", "objstore"] as const) : (["objstore", "sdk"] as const)) {
        const t = performance.now();
        await pair[side]();
        times[side].push(performance.now() - t);
      }
    }
    const cell = (side: "objstore" | "sdk", requests: number) => {
      const sorted = times[side].sort((a, b) => a - b);
      return `${percentile(sorted, 0.5).toFixed(2)} / ${percentile(sorted, 0.95).toFixed(2)} | ${(requests / ITERATIONS).toFixed(2)}`;
    };
    rows.push(`| ${name} | ${cell("objstore", net.count())} | ${cell("sdk", sdkRequests)} |`);
  }
  console.log(`DynamoDB Local, ${OBJECTS} objects, ${ITERATIONS} sequential iterations per cell, ${process.versions.bun ? `Bun ${process.versions.bun}` : `Node ${process.versions.node}`}\n`);
  console.log("| operation | objstore ms p50 / p95 | objstore requests/op | SDK ms p50 / p95 | SDK requests/op |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);

  const bundle = async (contents: string, platform: "browser" | "node" = "browser") => {
    const result = await build({
      stdin: { contents, resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform,
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.contents;
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  };
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const DRIVER = `export { dynamodbDriver } from "./src/drivers/dynamodb/driver.ts";`;
  const STORE = `export { createStore } from "./src/store.ts";`;
  const SDK_COMMANDS = `export { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand, BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";`;
  const driver = await bundle(DRIVER);
  const storeOnly = await bundle(STORE);
  const withStore = await bundle(STORE + DRIVER);
  const added = { min: withStore.min - storeOnly.min, gzip: withStore.gzip - storeOnly.gzip };
  const sdkCommands = await bundle(SDK_COMMANDS);
  const sdkAll = await bundle(`export { DynamoDB } from "@aws-sdk/client-dynamodb";`);
  const sdkNode = await bundle(SDK_COMMANDS, "node");
  const row = (name: string, size: { min: number; gzip: number }) => console.log(`| ${name} | ${kb(size.min)} | ${kb(size.gzip)} |`);
  console.log("\n| bundle (esbuild, minified, gzip -9) | min | min+gzip |");
  console.log("|---|---|---|");
  row("the store layer alone (`createStore`)", storeOnly);
  row("the store layer + the DynamoDB driver", withStore);
  row("**what the driver adds (driver + aws4fetch)**", added);
  row("the driver + aws4fetch alone, with the core helpers it imports", driver);
  row("`@aws-sdk/client-dynamodb`, the 7 commands the driver uses", sdkCommands);
  row("`@aws-sdk/client-dynamodb`, the aggregated `DynamoDB` client", sdkAll);
  row("`@aws-sdk/client-dynamodb`, the 7 commands, `--platform=node`", sdkNode);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  console.log(`\nSDK (7 commands) / what the driver adds: ${ratio(sdkCommands.gzip, added.gzip)}; / the driver alone with its core helpers: ${ratio(sdkCommands.gzip, driver.gzip)}; aggregated client / what the driver adds: ${ratio(sdkAll.gzip, added.gzip)}`);
  await store.close();
  sdk.destroy();
} finally {
  await local.stop();
}
