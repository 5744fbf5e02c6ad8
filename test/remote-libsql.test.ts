// The Remote driver against a live server whose stores are libSQL (in-memory databases, the
// runtime's native client): the API's record-level commits and queries run on a SQL driver,
// with its atomic conditions and its sort/paging pushdown.
// The whole suite runs on Bun only, for CI time (Remote over Memory runs it on every runtime,
// and the libSQL driver has its own suite on every runtime); Deno and Node run one round trip.
import { afterAll, beforeAll, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import type { ObjectStore, StoreConfig } from "../mod.ts";
import { createObjectStoreInstance, WrongObjectVersionError } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { multiStoreServer } from "./http-live.ts";

const onBun = "Bun" in globalThis;
const entry = onBun ? "../adapters/bun.ts" : "Deno" in globalThis ? "../adapters/deno.ts" : "../adapters/node.ts";
const { createObjectStoreInstance: createLocal } = await import(entry) as { createObjectStoreInstance(config: StoreConfig): ObjectStore };

let server: Awaited<ReturnType<typeof multiStoreServer>>;
beforeAll(async () => {
  server = await multiStoreServer(() => createLocal({ Type: "LibSQL", url: ":memory:" }));
});
afterAll(async () => {
  for (const store of server.stores.values()) await store.close().catch(() => {});
  await server.close();
});

if (onBun) {
  conformance("Remote over libSQL", (options) => createObjectStoreInstance({ Type: "Remote", url: server.url({ now: options.now }) }, options), { differentialOperations: 1000, slowTimeout: 180_000 });
} else {
  test("Remote over libSQL: a transaction commits client versions atomically; a conflict writes nothing", async () => {
    const remote = createObjectStoreInstance({ Type: "Remote", url: server.url() });
    await remote.save("T", "k", 0);
    await remote.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++) await tx.save("T", "k", i, String(i));
      await tx.save("T", "other", "x");
    });
    expect(await remote.get("T", "k")).toMatchObject({ value: 5, version: "6" });
    const err = await remote.transaction(async (tx) => {
      await tx.save("T", "new", 1);
      await tx.save("T", "k", 7, "6");
      await remote.save("T", "k", 99, "6");
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WrongObjectVersionError);
    expect(await remote.get("T", "new")).toBeUndefined();
    expect((await remote.page("T", { sort: "x" })).pagination.total).toBe(2);
    await remote.close();
  });
}
