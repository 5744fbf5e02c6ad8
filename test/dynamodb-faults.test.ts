import { afterEach, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { BackendError, type DynamoDBConfig, ObjectExistsError, type ObjectStore, ObjectStoreError } from "../mod.ts";
import { dynamodbDriver } from "../src/drivers/dynamodb/driver.ts";
import { createStore } from "../src/store.ts";
import { collect, expectError } from "./conformance/harness.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { type Fault, recordingFetch, type RecordingFetch } from "./support/dynamodb-fetch.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";

const local = useDynamoDBLocal();

let opened: ObjectStore[] = [];
afterEach(async () => {
  for (const store of opened) await store.close();
  opened = [];
});

/** A store whose requests go through `net`, with fast retries (1 ms backoff base). */
function open(net: RecordingFetch, config: DynamoDBConfig = dynamoConfig(local.endpoint()), attempts = 6): ObjectStore {
  const store = createStore(dynamodbDriver({ config, fetch: net.fetch, retry: { attempts, baseMs: 1, capMs: 20 } }));
  opened.push(store);
  return store;
}

/** Faults `op`'s first `times` requests with `fault`. */
function first(op: string, fault: Fault, times = 1) {
  return (o: string, n: number) => (o === op && n < times ? fault : undefined);
}

const AFTER: Fault[] = ["drop-after", "500-after"];

if (local.ready) {
  describe("DynamoDB throttling and 5xx are retried", () => {
    test("throttling 400s (both codes) and 500s on every operation are retried until they pass", async () => {
      const net = recordingFetch();
      const store = open(net);
      let i = 0;
      const cycle: Fault[] = ["throttle", "throttle-2", "500-before"];
      // Every operation's first two attempts fail.
      net.fault = (_op, n) => (n % 3 < 2 ? cycle[i++ % 3] : undefined);
      await store.save("T", "a", { n: 1 });
      await store.save("T", "b", { n: 2 });
      expect((await store.get("T", "a"))?.value).toEqual({ n: 1 });
      expect((await store.page("T")).result.map((o) => o.key)).toEqual(["a", "b"]);
      expect(await store.types()).toEqual(["T"]);
      await store.transaction(async (tx) => {
        await tx.save("T", "c", 3);
        await tx.remove("T", "a");
      });
      expect((await collect(store.scan("T"))).map((o) => o.key)).toEqual(["b", "c"]);
      expect(net.log.filter((e) => e.fault !== undefined).length).toBeGreaterThan(10);
    });

    test("throttling that never ends is BACKEND_UNAVAILABLE after the configured attempts", async () => {
      const net = recordingFetch();
      const store = open(net, dynamoConfig(local.endpoint()), 4);
      net.fault = () => "throttle";
      const error = await expectError(store.get("T", "k"), BackendError, "BACKEND_UNAVAILABLE");
      expect(net.count("GetItem")).toBe(4);
      expect(error.message).toContain("ProvisionedThroughputExceededException");
    });

    test("an attempt that gets no answer is abandoned after timeoutMs and retried", async () => {
      // A server that accepts the request and never answers (the abort signal ends the wait).
      const net = recordingFetch((input) =>
        new Promise<Response>((_, reject) => {
          const signal = (input as Request).signal;
          signal.addEventListener("abort", () => reject(signal.reason));
        }));
      const config = dynamoConfig(local.endpoint());
      const store = createStore(dynamodbDriver({ config, fetch: net.fetch, retry: { attempts: 3, baseMs: 1, timeoutMs: 50 } }));
      opened.push(store);
      await expectError(store.get("T", "k"), BackendError, "BACKEND_UNAVAILABLE");
      expect(net.count("GetItem")).toBe(3);
    });

    test("an unreachable endpoint is BACKEND_UNAVAILABLE, and no secret shows in the error", async () => {
      const net = recordingFetch();
      const config = dynamoConfig(local.endpoint(), { aws_session_token: "session-token-never-shown" });
      const store = open(net, config, 3);
      net.fault = () => "drop-before";
      const error = await expectError(store.save("T", "k", 1), BackendError, "BACKEND_UNAVAILABLE");
      expect(net.count()).toBe(3);
      const text = [error.message, String(error.stack), String(error.cause), String((error.cause as Error)?.stack), JSON.stringify(error)].join("\n");
      expect(text).not.toContain(config.aws_secret_access_key);
      expect(text).not.toContain("session-token-never-shown");
    });
  });

  describe("DynamoDB: a write that succeeded is never reported as a conflict", () => {
    for (const fault of AFTER) {
      test(`create whose answer is lost (${fault}) returns version 1, not OBJECT_EXISTS`, async () => {
        const net = recordingFetch();
        const store = open(net);
        await store.save("T", "warm", 0);
        net.reset();
        net.fault = first("TransactWriteItems", fault);
        expect((await store.save("T", "k", { v: 1 })).version).toBe("1");
        expect(net.count("TransactWriteItems")).toBe(2); // the lost one and the retry
        expect(await store.get("T", "k")).toMatchObject({ value: { v: 1 }, version: "1" });
      });

      test(`versioned save whose answer is lost (${fault}) applies once`, async () => {
        const net = recordingFetch();
        const store = open(net);
        const { created } = await store.save("T", "k", { v: 1 });
        net.fault = first("TransactWriteItems", fault);
        net.reset();
        expect(await store.save("T", "k", { v: 2 }, "1")).toMatchObject({ version: "2", created });
        expect(net.log.map((e) => e.op)).toEqual(["GetItem", "TransactWriteItems", "TransactWriteItems"]); // the lost one and the retry
        expect(await store.get("T", "k")).toMatchObject({ value: { v: 2 }, version: "2", created });
      });

      test(`remove whose answer is lost (${fault}) is not OBJECT_MISSING`, async () => {
        const net = recordingFetch();
        const store = open(net);
        await store.save("T", "k", 1);
        net.reset();
        net.fault = first("TransactWriteItems", fault);
        await store.remove("T", "k", { version: "1" });
        expect(net.count("TransactWriteItems")).toBe(2);
        expect(await store.get("T", "k")).toBeUndefined();
      });

      test(`a transaction whose answer is lost (${fault}) applies once (ClientRequestToken)`, async () => {
        const net = recordingFetch();
        const store = open(net);
        await store.save("T", "a", 1);
        net.reset();
        net.fault = first("TransactWriteItems", fault);
        await store.transaction(async (tx) => {
          await tx.save("T", "a", 2, "1");
          await tx.save("T", "b", 1);
        });
        expect(net.count("TransactWriteItems")).toBe(2);
        const tokens = net.log.filter((e) => e.op === "TransactWriteItems").map((e) => JSON.parse(e.body).ClientRequestToken);
        expect(tokens[0]).toBe(tokens[1]);
        expect((await store.page("T")).result.map((o) => [o.key, o.value, o.version])).toEqual([["a", 2, "2"], ["b", 1, "1"]]);
      });
    }

    test("a real conflict on a retried create is still OBJECT_EXISTS", async () => {
      const net = recordingFetch();
      const store = open(net);
      await store.save("T", "k", "theirs");
      net.fault = first("TransactWriteItems", "drop-before", 2);
      net.reset();
      await expectError(store.save("T", "k", "mine"), ObjectExistsError, "OBJECT_EXISTS");
      expect(net.count("TransactWriteItems")).toBe(3);
      expect((await store.get("T", "k"))?.value).toBe("theirs");
    });

    test("a real conflict on a versioned save is still WRONG_OBJECT_VERSION (its read finds it; nothing is written)", async () => {
      const net = recordingFetch();
      const store = open(net);
      await store.save("T", "k", "v1");
      await store.save("T", "k", "theirs", "1");
      net.fault = first("GetItem", "drop-before", 2);
      net.reset();
      await expectError(store.save("T", "k", "mine", "1"), ObjectStoreError, "WRONG_OBJECT_VERSION");
      expect(net.log.map((e) => e.op)).toEqual(["GetItem", "GetItem", "GetItem"]);
      expect(await store.get("T", "k")).toMatchObject({ value: "theirs", version: "2" });
    });

    test("updates with lost answers on a third of the writes still count exactly", async () => {
      const net = recordingFetch();
      const store = open(net);
      await store.save("C", "c", 0);
      let s = 42;
      const random = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 3 === 0);
      net.fault = (op) => (op === "TransactWriteItems" && random() ? (s % 2 ? "drop-after" : "500-after") : undefined);
      for (let i = 0; i < 30; i++) await store.update("C", "c", (n) => (n as number) + 1);
      expect(await store.get("C", "c")).toMatchObject({ value: 30, version: "31" });
      expect(net.log.filter((e) => e.fault !== undefined).length).toBeGreaterThan(3);
    });

    test("a non-retryable error is BACKEND_ERROR and is not retried", async () => {
      const net = recordingFetch(async () =>
        new Response(JSON.stringify({ __type: "com.amazon.coral.validate#ValidationException", message: "bad request" }), { status: 400 }));
      const store = open(net);
      const error = await expectError(store.get("T", "k"), ObjectStoreError, "BACKEND_ERROR");
      expect(net.count()).toBe(1);
      expect(String((error.cause as Error).message)).toContain("ValidationException");
    });
  });
}
