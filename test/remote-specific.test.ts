import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { BackendError, createObjectStoreInstance, InvalidInputError, ObjectExistsError, ObjectMissingError, type ObjectStore, WrongObjectVersionError } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { expectError } from "./conformance/mod.ts";
import { serveHandler } from "./http-live.ts";

let server: Awaited<ReturnType<typeof serveHandler>>;
let local: ObjectStore;
const requests: string[] = [];
beforeAll(async () => {
  local = createObjectStoreInstance();
  const app = createApp(local, { token: "tok" });
  server = await serveHandler((request) => {
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    return app.fetch(request);
  });
});
afterAll(async () => {
  await server.close();
});

const remote = (token: string | undefined = "tok") => createObjectStoreInstance({ Type: "Remote", url: server.url + "/", ...(token ? { token } : {}) });

describe("Remote driver specifics", () => {
  test("kind is Remote; the token is sent; a wrong or missing token is a BackendError", async () => {
    const store = remote();
    expect(store.kind).toBe("Remote");
    await store.save("Auth", "k", 1);
    expect((await local.get("Auth", "k"))?.value).toBe(1);
    await expectError(remote("nope").get("Auth", "k"), BackendError, "BACKEND_ERROR");
    await expectError(remote("").save("Auth", "j", 1), BackendError, "BACKEND_ERROR");
    expect(await local.get("Auth", "j")).toBeUndefined();
  });

  test("an unreachable server is BACKEND_UNAVAILABLE, without the token in the message", async () => {
    const gone = await serveHandler(() => new Response("x"));
    const url = gone.url;
    await gone.close();
    const store = createObjectStoreInstance({ Type: "Remote", url, token: "very-secret" });
    const e = await expectError(store.get("T", "k"), BackendError, "BACKEND_UNAVAILABLE");
    expect(e.message).not.toContain("very-secret");
  });

  test("server errors come back as the same classes", async () => {
    const store = remote();
    await store.save("Err", "a", 1);
    await expectError(store.save("Err", "a", 1), ObjectExistsError, "OBJECT_EXISTS");
    await expectError(store.save("Err", "a", 1, "9"), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
    await expectError(store.save("Err", "b", 1, "1"), ObjectMissingError, "OBJECT_MISSING");
    await expectError(store.remove("Err", "b"), ObjectMissingError, "OBJECT_MISSING");
    await expectError(store.page("Err", { cursor: "garbage" }), InvalidInputError, "INVALID_ARGUMENT");
  });

  test("a transaction with five saves of one key commits one request and one write with version base+5", async () => {
    const store = remote();
    await store.save("Five", "k", 0);
    requests.length = 0;
    const versions = await store.transaction(async (tx) => {
      const out: string[] = [];
      for (let i = 1; i <= 5; i++) out.push((await tx.save("Five", "k", i, String(i))).version);
      return out;
    });
    expect(versions).toEqual(["2", "3", "4", "5", "6"]);
    expect(requests.filter((r) => r.startsWith("POST /api/transactions"))).toHaveLength(1);
    expect(await local.get("Five", "k")).toMatchObject({ value: 5, version: "6" });
  });

  test("a versioned save is one request (replace op) that keeps created; a stale one is WRONG_OBJECT_VERSION", async () => {
    const store = remote();
    const first = await store.save("Rep", "k", 1);
    requests.length = 0;
    const second = await store.save("Rep", "k", 2, first.version);
    expect(requests).toEqual(["POST /api/transactions"]);
    expect(second.version).toBe("2");
    expect(second.created).toBe(first.created);
    expect(await local.get("Rep", "k")).toMatchObject({ value: 2, version: "2", created: first.created, updated: second.updated });
    await expectError(store.save("Rep", "k", 3, "1"), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
    await expectError(store.save("Rep", "missing", 3, "1"), ObjectMissingError, "OBJECT_MISSING");
    expect((await local.get("Rep", "k"))?.value).toBe(2);
  });

  test("a commit conflict found by the server fails the whole transaction and writes nothing", async () => {
    const store = remote();
    await store.save("Race", "a", 1);
    const err = await store.transaction(async (tx) => {
      await tx.save("Race", "new", 1);
      await tx.save("Race", "a", 2, "1");
      await local.save("Race", "a", 99, "1"); // someone else commits in between
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WrongObjectVersionError);
    expect(await local.get("Race", "new")).toBeUndefined();
    expect((await local.get("Race", "a"))?.value).toBe(99);
  });

  test("8 concurrent transactions that all read version 1, then save it: exactly one wins, the rest conflict", async () => {
    const store = remote();
    await store.save("Eight", "a", "start");
    let reads = 0;
    let release!: () => void;
    const allRead = new Promise<void>((resolve) => (release = resolve));
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) =>
      store.transaction(async (tx) => {
        expect((await tx.get("Eight", "a"))?.version).toBe("1");
        if (++reads === 8) release();
        await allRead; // every transaction has read version 1 before any commits
        await tx.save("Eight", "a", `writer ${i}`, "1");
        await tx.save("Eight", `mark ${i}`, i);
        return i;
      })));
    const winners = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(WrongObjectVersionError);
    expect(await local.get("Eight", "a")).toMatchObject({ value: `writer ${winners[0]}`, version: "2" });
    expect((await local.page("Eight")).pagination.total).toBe(2);
  });

  test("page is one request, filtered, sorted and sliced by the server; cursors walk it", async () => {
    const store = remote();
    for (let i = 0; i < 30; i++) await local.save("Pg", `k${String(i).padStart(2, "0")}`, { n: i % 7, t: i % 2 ? "odd" : "even" });
    requests.length = 0;
    const page = await store.page("Pg", { query: "odd", sort: "n:desc", pagesize: 4, offset: 1 });
    expect(requests).toEqual(["POST /api/query"]);
    expect(page.pagination).toEqual({ offset: 1, pagesize: 4, total: 15 });
    expect(page.result.map((o) => o.key)).toEqual(["k27", "k05", "k19", "k11"]);
    expect(page).toEqual(await local.page("Pg", { query: "odd", sort: "n:desc", pagesize: 4, offset: 1 }));
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await store.page("Pg", { sort: "n", pagesize: 7, ...(cursor ? { cursor } : {}) });
      walked.push(...p.result.map((o) => o.key));
      cursor = p.next;
    } while (cursor);
    expect(walked).toEqual((await local.page("Pg", { sort: "n" })).result.map((o) => o.key));
  });

  test("scan streams in batches through the server", async () => {
    const store = remote();
    for (let i = 0; i < 1200; i++) await local.save("Sc", String(i).padStart(4, "0"), i);
    requests.length = 0;
    let count = 0;
    for await (const o of store.scan("Sc")) expect(o.value).toBe(count++);
    expect(count).toBe(1200);
    expect(requests).toEqual(["POST /api/query", "POST /api/query", "POST /api/query"]);
  });
});

describe("Remote driver secrets", () => {
  test("credentials in the URL never reach the error, its message or its cause", async () => {
    const store = createObjectStoreInstance({ Type: "Remote", url: "http://user:pw-secret@127.0.0.1:1", token: "tok-secret" });
    const e = await expectError(store.types(), BackendError, "BACKEND_UNAVAILABLE");
    const seen = `${e.message} ${String(e.cause)} ${JSON.stringify(e)}`;
    expect(seen).not.toContain("pw-secret");
    expect(seen).not.toContain("tok-secret");
  });
});
