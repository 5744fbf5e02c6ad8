/**
 * DynamoDB: a single write whose answer is lost (DynamoDB applied it, then the connection was
 * reset) while another writer commits before the retry. The retry must be conclusive: the
 * write counts once, nothing else is undone, no false conflict, and when no answer ever
 * arrives the error says the write's state is unknown. Faults come from a real HTTP proxy in
 * front of DynamoDB Local (test/support/dynamodb-proxy.ts).
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { type DynamoDBConfig, type ObjectStore, ObjectStoreError, WrongObjectVersionError } from "../mod.ts";
import { dynamodbDriver } from "../src/drivers/dynamodb/driver.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/harness.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";
import { type DynamoProxy, startDynamoProxy } from "./support/dynamodb-proxy.ts";

const local = useDynamoDBLocal();
const WRITES = new Set(["PutItem", "DeleteItem", "UpdateItem", "TransactWriteItems"]);

let proxy: DynamoProxy | undefined;
let opened: ObjectStore[] = [];
afterEach(async () => {
  for (const store of opened) await store.close();
  opened = [];
  if (proxy) proxy.afterApply = () => "answer";
});
afterAll(() => proxy?.stop());

/** A writer through the proxy and another writer straight to DynamoDB Local, on the same tables. */
async function writers(): Promise<{ mine: ObjectStore; theirs: ObjectStore; open(): ObjectStore; proxy: DynamoProxy }> {
  // Started here, not in beforeAll: DynamoDB Local's own beforeAll must have run first.
  const running = proxy ??= await startDynamoProxy(local.endpoint());
  const config: DynamoDBConfig = dynamoConfig(running.endpoint);
  const open = (endpoint = running.endpoint) => {
    const store = createStore(dynamodbDriver({ config: { ...config, endpoint_url: endpoint }, fetch: globalThis.fetch, retry: { attempts: 10, baseMs: 1, capMs: 20 } }));
    opened.push(store);
    return store;
  };
  return { mine: open(), theirs: open(local.endpoint()), open, proxy: running };
}

/** True for a write to an object (not the type registry, which is an idempotent put). */
const objectWrite = (op: string, body: string) => WRITES.has(op) && !body.includes('"_types"');

/** The next object write's answer is dropped, after `meanwhile` (the other writer) has committed. */
function loseNextAnswer(proxy: DynamoProxy, meanwhile: () => Promise<unknown>): void {
  let armed = true;
  proxy.afterApply = async (op, body) => {
    if (!armed || !objectWrite(op, body)) return "answer";
    armed = false;
    await meanwhile();
    return "drop";
  };
}

if (local.ready) {
  describe("DynamoDB: a lost answer and another writer before the retry", () => {
    for (const options of [undefined, { ignoreMissing: true }, { version: "1" }]) {
      test(`remove(${JSON.stringify(options) ?? ""}) does not delete the object the other writer created meanwhile`, async () => {
        const { mine, theirs, proxy } = await writers();
        await mine.save("T", "k", "mine");
        loseNextAnswer(proxy, () => theirs.save("T", "k", "theirs"));
        await mine.remove("T", "k", options);
        expect(await theirs.get("T", "k")).toMatchObject({ value: "theirs", version: "1" });
      });
    }

    test("update() is applied once and reported as applied, not WRONG_OBJECT_VERSION", async () => {
      const { mine, theirs, proxy } = await writers();
      await mine.save("C", "c", 0);
      loseNextAnswer(proxy, () => theirs.update("C", "c", (n) => (n as number) + 1));
      expect((await mine.update("C", "c", (n) => (n as number) + 1)).version).toBe("2");
      expect(await theirs.get("C", "c")).toMatchObject({ value: 2, version: "3" });
    });

    test("save(version) is applied once and reported as applied, not WRONG_OBJECT_VERSION", async () => {
      const { mine, theirs, proxy } = await writers();
      const { created } = await mine.save("T", "k", "v1");
      loseNextAnswer(proxy, () => theirs.save("T", "k", "theirs", "2"));
      expect(await mine.save("T", "k", "mine", "1")).toMatchObject({ version: "2", created });
      expect(await theirs.get("T", "k")).toMatchObject({ value: "theirs", version: "3", created });
    });

    test("a create is reported as applied, not OBJECT_EXISTS", async () => {
      const { mine, theirs, proxy } = await writers();
      loseNextAnswer(proxy, () => theirs.save("T", "k", "theirs", "1"));
      expect((await mine.save("T", "k", "mine")).version).toBe("1");
      expect(await theirs.get("T", "k")).toMatchObject({ value: "theirs", version: "2" });
    });

    test("a real conflict is still reported: the other writer committed before our write reached DynamoDB", async () => {
      const { mine, theirs, proxy } = await writers();
      await mine.save("T", "k", "v1");
      // The other writer commits before ours applies: ours fails its condition, and says so.
      let armed = true;
      proxy.afterApply = async (op) => {
        if (armed && op === "GetItem") (armed = false), await theirs.save("T", "k", "theirs", "1");
        return "answer";
      };
      await expectError(mine.update("T", "k", () => "mine"), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      expect(await theirs.get("T", "k")).toMatchObject({ value: "theirs", version: "2" });
    });

    test("a write whose every answer is lost is BACKEND_UNAVAILABLE saying its state is unknown, and applied at most once", async () => {
      const { mine, theirs, proxy } = await writers();
      await mine.save("C", "c", 0);
      proxy.afterApply = (op, body) => (objectWrite(op, body) ? "drop" : "answer");
      const error = await expectError(mine.update("C", "c", (n) => (n as number) + 1), ObjectStoreError, "BACKEND_UNAVAILABLE");
      expect(error.message).toMatch(/unknown/);
      expect(await theirs.get("C", "c")).toMatchObject({ value: 1, version: "2" });
    });

  });

  // Its own describe: under Node's test runner a describe has the default timeout too.
  describe("DynamoDB: lost answers under contention", () => {
    test("4 writers retrying on conflict, a third of the answers lost after the write applied: the counter is exact", async () => {
      const { theirs, open, proxy } = await writers();
      await theirs.save("C", "c", 0);
      const stores = [open(), open(), open(), open()];
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      let lost = 0;
      proxy.afterApply = async (op, body) => {
        if (!objectWrite(op, body) || random() > 0.33) return "answer";
        lost++;
        // Hold the answer a moment: the other writers commit before the retry.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return "drop";
      };
      const PER_WRITER = 12;
      await Promise.all(stores.map(async (store) => {
        for (let i = 0; i < PER_WRITER; i++) {
          for (;;) {
            try {
              await store.update("C", "c", (n) => (n as number) + 1);
              break;
            } catch (e) {
              if (!(e instanceof WrongObjectVersionError)) throw e;
            }
          }
        }
      }));
      expect(lost).toBeGreaterThan(5);
      expect(await theirs.get("C", "c")).toMatchObject({ value: 4 * PER_WRITER, version: String(4 * PER_WRITER + 1) });
    }, 180_000);
  });
}
