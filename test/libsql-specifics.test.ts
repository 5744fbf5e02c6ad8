// The libSQL driver's own cases: prefixes isolate stores, a reopened database keeps
// everything, the schema version row, prefix validation, edge builds without the native
// client, and (over HTTP) one round trip per commit and no partial commit on a fault.
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { ConfigError, createObjectStoreInstance, InvalidInputError, ObjectStoreError, type ObjectStore } from "../mod.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { type HranaServer, startHranaServer } from "./hrana/server.ts";

const dir = mkdtempSync(join(tmpdir(), "objstore-libsql-specifics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => `file:${join(dir, `db${++n}.sqlite`)}`;
const open = (url: string, objectPrefix?: string): ObjectStore =>
  createObjectStoreInstance({ Type: "LibSQL", url, ...(objectPrefix ? { objectPrefix } : {}) }, { libsqlCreateClient: createClient });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("LibSQL: prefixes and reopening", () => {
  test("two prefixes on one database never see each other's objects or types", async () => {
    const url = freshFile();
    const a = open(url, "alpha");
    const b = open(url, "beta");
    const plain = open(url);
    await a.save("Person", "ann", { in: "a" });
    await b.save("Person", "bob", { in: "b" });
    await b.save("Pet", "rex", 1);
    expect(await a.get("Person", "bob")).toBeUndefined();
    expect(await b.get("Person", "ann")).toBeUndefined();
    expect(await a.types()).toEqual(["Person"]);
    expect(await b.types()).toEqual(["Person", "Pet"]);
    expect(await plain.types()).toEqual([]);
    expect((await a.page("Person")).result.map((o) => o.key)).toEqual(["ann"]);
    await b.truncate("Person");
    expect((await a.get("Person", "ann"))?.value).toEqual({ in: "a" });
    expect(await b.types()).toEqual(["Pet"]);
    await Promise.all([a.close(), b.close(), plain.close()]);
  });

  test("a database reopened by a new store keeps every object, version, stamp and type", async () => {
    const url = freshFile();
    const first = open(url, "app");
    await first.save("Person", "ann", { name: "Ann" });
    await first.save("Person", "ann", { name: "Ann", age: 3 }, "1");
    await first.save("Café", "ключ/1", [1, "two"]);
    const before = await collect(first.scan("Person"));
    await first.close();
    const second = open(url, "app");
    expect(await second.types()).toEqual(["Café", "Person"]);
    expect(await collect(second.scan("Person"))).toEqual(before);
    expect((await second.get("Person", "ann"))?.version).toBe("2");
    expect((await second.get("Café", "ключ/1"))?.value).toEqual([1, "two"]);
    expect((await second.page("Person", { query: "ANN" })).pagination.total).toBe(1);
    await second.close();
  });

  test("the schema has a version row; a newer schema is refused, not misread", async () => {
    const url = freshFile();
    const store = open(url, "v");
    await store.save("T", "k", 1);
    await store.close();
    const client = createClient({ url });
    expect((await client.execute(`SELECT value FROM "v_meta" WHERE name = 'schema_version'`)).rows[0]?.[0]).toBe("1");
    await client.execute(`UPDATE "v_meta" SET value = '99' WHERE name = 'schema_version'`);
    client.close();
    const later = open(url, "v");
    const error = await expectError(later.get("T", "k"), ObjectStoreError, "UNSUPPORTED");
    expect(error.message).toContain("99");
    await later.close();
  });

  test("object types and keys that look like SQL are data, not SQL", async () => {
    const store = open(freshFile());
    const nasty = `x"; DROP TABLE "objstoreobjects"; --`; // types cannot hold "_"
    await store.save(nasty, `'); DELETE FROM objstore_objects; --`, { a: "' OR 1=1 --" });
    await store.save("Other", "k", 1);
    expect(await store.types()).toEqual(["Other", nasty]);
    expect((await store.page(nasty, { query: "or 1=1", sort: `a"b,a\\c,a` })).pagination.total).toBe(1);
    await store.close();
  });

  test("a commit of 150 puts (several multi-row statements) with one stale version writes nothing and names it", async () => {
    const store = open(freshFile());
    await store.save("T", "k140", "old");
    await store.save("T", "k140", "newer", "1");
    const error = await expectError(
      store.transaction(async (tx) => {
        for (let i = 0; i < 150; i++) {
          if (i === 140) await store.save("T", "k140", "racer", "2"); // wins the race before the commit
          await tx.save("T", `k${i}`, { i }, i === 140 ? "2" : undefined);
        }
      }),
      ObjectStoreError,
      "WRONG_OBJECT_VERSION",
    );
    expect(error.message).toContain("T/k140");
    expect((await store.page("T")).pagination.total).toBe(1);
    expect((await store.get("T", "k140"))?.value).toBe("racer");
    await store.close();
  });

  test("a commit of 150 creates where another store created one key first writes nothing and names it, also for a long non-ASCII key", async () => {
    const store = open(freshFile());
    const type = "Ty pe:ü";
    const taken = "k:'\"é\u{1F600}".repeat(100); // 1000 UTF-8 bytes
    const keys = Array.from({ length: 150 }, (_, i) => (i === 97 ? taken : `k${i}`));
    const error = await expectError(
      store.transaction(async (tx) => {
        for (const key of keys) await tx.save(type, key, { key });
        await store.save(type, taken, "first"); // wins the race before the commit
      }),
      ObjectStoreError,
      "OBJECT_EXISTS",
    );
    expect(error.message).toContain(`${type}/${taken}`);
    expect((await store.page(type)).pagination.total).toBe(1);
    expect((await store.get(type, taken))?.value).toBe("first");
    await store.close();
  });

  test("objectPrefix must be an identifier, in the config and in the driver", async () => {
    for (const objectPrefix of [`a"; DROP TABLE x; --`, "1abc", "a-b", "", "a".repeat(64)]) {
      expect(() => createObjectStoreInstance({ Type: "LibSQL", url: ":memory:", objectPrefix }, { libsqlCreateClient: createClient })).toThrow(ConfigError);
      expect(() => libsqlDriver({ client: () => createClient({ url: ":memory:" }), objectPrefix })).toThrow(InvalidInputError);
    }
  });

  test("no I/O until the first operation: a bad path fails there, as BACKEND_*", async () => {
    const store = open(`file:${join(dir, "missing-dir", "sub", "x.db")}`);
    const error = await expectError(store.get("T", "k"), ObjectStoreError, ["BACKEND_UNAVAILABLE", "BACKEND_ERROR"]);
    expect(error.cause).toBeDefined();
    await store.close();
  });
});

describe("LibSQL without the native client (edge builds)", () => {
  for (const url of [":memory:", "file:objects.db"]) {
    test(`${url} is UNSUPPORTED, naming the runtime entry points`, () => {
      let caught: unknown;
      try {
        createObjectStoreInstance({ Type: "LibSQL", url });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ObjectStoreError);
      expect((caught as ObjectStoreError).code).toBe("UNSUPPORTED");
      for (const entry of ["@objstore/objstore/node", "@objstore/objstore/bun", "@objstore/objstore/deno"]) expect((caught as Error).message).toContain(entry);
    });
  }

  test("an http(s) URL needs no injected client", async () => {
    const store = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: "http://127.0.0.1:9" });
    expect(store.kind).toBe("LibSQL");
    await expectError(store.get("T", "k"), ObjectStoreError, "BACKEND_UNAVAILABLE");
    await store.close();
  });
});

describe("LibSQL over HTTP: round trips and faults", () => {
  let server: HranaServer;
  beforeAll(async () => {
    server = await startHranaServer({ path: join(dir, "http.sqlite") });
  });
  afterAll(() => server.close());
  const remote = (objectPrefix: string) => createObjectStoreInstance({ Type: "LibSQL", url: server.url, objectPrefix });

  test("a commit of many writes is one round trip; get and page are one each", async () => {
    const store = remote("trips");
    await store.save("T", "warm", 0); // creates the schema
    let before = 0;
    await store.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.save("T", `k${i}`, { i }); // each staged write reads once
      await tx.remove("T", "warm");
      before = server.pipelineRequests; // what follows is the commit
    });
    expect(server.pipelineRequests - before).toBe(1);
    expect(await store.get("T", "warm")).toBeUndefined();
    before = server.pipelineRequests;
    const first = await store.get("T", "k1");
    expect(server.pipelineRequests - before).toBe(1);
    before = server.pipelineRequests;
    const saved = await store.save("T", "k1", { i: 1, again: true }, "1"); // versioned save: no read first
    expect(server.pipelineRequests - before).toBe(1);
    expect(saved).toEqual({ version: "2", created: first!.created, updated: saved.updated });
    expect(await store.get("T", "k1")).toMatchObject({ value: { i: 1, again: true }, version: "2", created: first!.created });
    before = server.pipelineRequests;
    const page = await store.page("T", { sort: "i:desc", pagesize: 10 });
    expect(server.pipelineRequests - before).toBe(1);
    expect(page.pagination.total).toBe(50);
    expect(page.result[0]?.value).toEqual({ i: 49 });
    await store.close();
  });

  // One transaction of three writes: a versioned save of a, a remove of x, a create of b.
  const saveRemoveSave = (store: ObjectStore) =>
    store.transaction(async (tx) => {
      await tx.save("T", "a", 2, "1");
      await tx.remove("T", "x");
      await tx.save("T", "b", 1);
    });

  test("the connection dropped mid-batch leaves no partial commit", async () => {
    const store = remote("drop");
    await store.save("T", "a", 1);
    await store.save("T", "x", 1);
    // Steps: BEGIN, put a, guard x, delete x, put b, COMMIT. Three run, then the connection drops.
    server.faults.dropBatchAfterSteps = 3;
    await expectError(
      saveRemoveSave(store),
      ObjectStoreError,
      ["BACKEND_UNAVAILABLE", "BACKEND_ERROR"],
    ).finally(() => (server.faults = {}));
    expect((await store.get("T", "a"))?.version).toBe("1");
    expect(await store.get("T", "x")).toBeDefined();
    expect(await store.get("T", "b")).toBeUndefined();
    expect((await store.page("T")).pagination.total).toBe(2);
    expect(server.openStreams()).toBe(0);
    await store.close();
  });

  test("a statement failing mid-batch leaves no partial commit", async () => {
    const store = remote("fail");
    await store.save("T", "a", 1);
    await store.save("T", "x", 1);
    // Steps: BEGIN, put a, guard x, delete x, put b, COMMIT: the guard fails with an I/O error.
    server.faults.failBatchStep = 2;
    await expectError(
      saveRemoveSave(store),
      ObjectStoreError,
      "BACKEND_ERROR",
    ).finally(() => (server.faults = {}));
    expect((await store.get("T", "a"))?.version).toBe("1");
    expect(await store.types()).toEqual(["T"]);
    expect((await store.page("T")).result.map((o) => o.key)).toEqual(["a", "x"]);
    await store.close();
  });

  test("a conflict found at commit over HTTP writes nothing and names the object", async () => {
    const store = remote("conflict");
    await store.save("T", "a", 1);
    await store.save("T", "b", 1);
    const error = await expectError(
      store.transaction(async (tx) => {
        await tx.save("T", "c", 1);
        await tx.save("T", "a", 2, "1");
        await store.save("T", "a", 5, "1"); // someone else wins the race
        await tx.remove("T", "b");
      }),
      ObjectStoreError,
      "WRONG_OBJECT_VERSION",
    );
    expect(error.message).toContain("T/a");
    expect(await store.get("T", "c")).toBeUndefined();
    expect((await store.get("T", "b"))?.version).toBe("1");
    await store.close();
  });

  test("a wrong auth token is refused", async () => {
    const guarded = await startHranaServer({ path: join(dir, "auth.sqlite"), authToken: "right" });
    try {
      const store = createObjectStoreInstance({ Type: "LibSQL", url: guarded.url, authToken: "wrong" });
      await expectError(store.get("T", "k"), ObjectStoreError, ["BACKEND_UNAVAILABLE", "BACKEND_ERROR"]);
      await store.close();
      const ok = createObjectStoreInstance({ Type: "LibSQL", url: guarded.url, authToken: "right" });
      await ok.save("T", "k", 1);
      expect((await ok.get("T", "k"))?.value).toBe(1);
      await ok.close();
    } finally {
      await guarded.close();
    }
  });
});

test("createStore over libsqlDriver with an injected client object", async () => {
  const client = createClient({ url: ":memory:" });
  const store = createStore(libsqlDriver({ client, objectPrefix: "direct" }));
  await store.save("T", "k", { v: 1 });
  expect((await client.execute(`SELECT count(*) FROM "direct_objects"`)).rows[0]?.[0]).toBe(1);
  await store.close();
  expect(client.closed).toBe(true);
});

test("this runtime's entry point (@objstore/objstore/bun, /deno or /node) opens file: and :memory: databases", async () => {
  const entry = "Bun" in globalThis ? "../adapters/bun.ts" : "Deno" in globalThis ? "../adapters/deno.ts" : "../adapters/node.ts";
  const { createObjectStoreInstance: create, createObjectStoreFromEnv } = await import(entry) as typeof import("../adapters/node.ts");
  const url = freshFile();
  for (const store of [create({ Type: "LibSQL", url: ":memory:" }), create({ Type: "SQLAlchemy", connectionString: url })]) {
    expect(store.kind).toBe("LibSQL");
    await store.save("Person", "ann", { name: "Ann" });
    expect((await store.page("Person", { query: "ANN" })).result.map((o) => o.key)).toEqual(["ann"]);
    await store.close();
  }
  const fromEnv = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: JSON.stringify({ Type: "LibSQL", url }) });
  expect((await fromEnv.get("Person", "ann"))?.value).toEqual({ name: "Ann" });
  await fromEnv.close();
});

// A statement that fails with SQLITE_BUSY stays active in the native client until it is
// garbage-collected, on a connection that goes back into the client's pool. A single save on
// that connection then runs in a transaction that never commits: it is reported saved, holds
// the file's write lock, and is rolled back when the statement is collected.
test("a save on a connection a busy error left behind is committed or fails, never reported saved and lost", async () => {
  const url = freshFile();
  // No client replacement: the retry runs on the connection the busy error left behind, as a
  // call does that started just before another call's busy error replaced the client.
  const store = createStore(libsqlDriver({ client: () => createClient({ url }), busyRetryMs: 1_500, reopenOnBusy: false }));
  await store.save("Counter", "c", { n: 0 });
  const holder = createClient({ url });
  const tx = await holder.transaction("write");
  const saving = store.save("Counter", "d", { n: 1 }).then(() => "saved", (e: { code?: string }) => e.code);
  setTimeout(() => void tx.commit(), 100);
  const outcome = await saving;
  const other = createClient({ url });
  const keys = (await other.execute("SELECT key FROM objstore_objects WHERE type = 'Counter' ORDER BY key")).rows.map((r) => r.key);
  // Reported saved means committed: another client sees it.
  if (outcome === "saved") expect(keys).toEqual(["c", "d"]);
  else expect(keys).toEqual(["c"]);
  other.close();
  holder.close();
  await store.close();
});

test("a save retried after a busy error is committed (seen by another client, which can then write)", async () => {
  const url = freshFile();
  // No busy timeout: a locked file fails at once, and the driver's retry loop waits.
  const store = createStore(libsqlDriver({ client: () => createClient({ url }), busyRetryMs: 5_000, reopenOnBusy: true }));
  await store.save("Counter", "c", { n: 0 });
  const holder = createClient({ url });
  const tx = await holder.transaction("write");
  const saving = store.save("Counter", "d", { n: 1 });
  setTimeout(() => void tx.commit(), 100);
  await saving;
  const other = createClient({ url });
  expect((await other.execute("SELECT key FROM objstore_objects WHERE type = 'Counter' ORDER BY key")).rows.map((r) => r.key)).toEqual(["c", "d"]);
  await other.execute("DELETE FROM objstore_objects WHERE key = 'c'");
  expect(await store.get("Counter", "c")).toBeUndefined();
  other.close();
  holder.close();
  await store.close();
});
