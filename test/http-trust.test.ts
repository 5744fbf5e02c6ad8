// Issue 20: the server decides versions and stamps on every route an ordinary token may call;
// tokens carry scopes (read, write, replicate); only replicate writes records verbatim.
import { beforeEach, describe, expect, test } from "bun:test";
import "../src/drivers/register/remote.ts";
import "../src/register/openapi.ts";
import { BackendError, createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { parseTokens } from "../src/http/auth.ts";
import { driverOf } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { multiStoreServer } from "./http-live.ts";
import { appCaller } from "./support/app-call.ts";

const SERVER_TIME = "2030-05-05T05:05:05.555Z";
const FORGED = "2001-01-01T00:00:00.000Z";
const TOKENS = "ro:read,rw:write,rep:replicate";

let store: ObjectStore;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  store = createObjectStoreInstance();
  app = createApp(store, { tokens: TOKENS, now: () => new Date(SERVER_TIME) });
});

const call = appCaller(() => app);

/** An object at version 4 made by ordinary saves (stamps from the store's own clock). */
async function atVersion4() {
  await store.save("T", "k", 1);
  for (let v = 1; v < 4; v++) await store.save("T", "k", v + 1, String(v));
  return (await store.get("T", "k"))!;
}

const forgedRecord = (version: string, value: unknown = { forged: true }) => ({ value, version, created: FORGED, updated: FORGED });

describe("forged records are refused or recomputed, per route", () => {
  test("the issue's probe: put expect any at version 1 with forged stamps is 400 and changes nothing", async () => {
    const before = await atVersion4();
    const r = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { any: true }, record: forgedRecord("1") }] });
    expect(r.status).toBe(400);
    expect(await store.get("T", "k")).toEqual(before);
    const present = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { present: true }, record: forgedRecord("1") }] });
    expect(present.status).toBe(400);
    expect(await store.get("T", "k")).toEqual(before);
  });

  test("record put: stamps are the server's; created is kept; a stale expected version is 412", async () => {
    const before = await atVersion4();
    const ok = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { version: "4" }, record: forgedRecord("5") }] });
    expect(ok.status).toBe(200);
    expect(ok.json.results).toEqual([{ version: "5", created: before.created, updated: SERVER_TIME }]);
    expect(await store.get("T", "k")).toMatchObject({ version: "5", created: before.created, updated: SERVER_TIME });
    const stale = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { version: "1" }, record: forgedRecord("2") }] });
    expect(stale.status).toBe(412);
    const created = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "new", expect: { absent: true }, record: forgedRecord("1") }] });
    expect(created.status).toBe(200);
    expect(await store.get("T", "new")).toMatchObject({ version: "1", created: SERVER_TIME, updated: SERVER_TIME });
  });

  test("record put at a version not past the stored one is a new incarnation: new created, new ETag", async () => {
    const before = await atVersion4();
    const tag = (await call("rw", "GET", "/api/objects/T/k")).headers.get("etag");
    const r = await call("rw", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { version: "4" }, record: forgedRecord("1") }] });
    expect(r.status).toBe(200);
    const after = (await store.get("T", "k"))!;
    expect(after).toMatchObject({ version: "1", created: SERVER_TIME, updated: SERVER_TIME });
    expect(after.created).not.toBe(before.created);
    const now = await call("rw", "GET", "/api/objects/T/k", undefined, { "If-None-Match": tag! });
    expect(now.status).toBe(200);
    // A client holding the old incarnation's tag cannot overwrite the new one.
    expect((await call("rw", "PUT", "/api/objects/T/k", 9, { "If-Match": tag! })).status).toBe(412);
  });

  test("record put: a key or type inside the record is not the write's", async () => {
    const r = await call("rw", "POST", "/api/transactions", {
      writes: [{ op: "put", type: "T", key: "k", expect: { absent: true }, record: { ...forgedRecord("1"), key: "other", type: "Other" } }],
    });
    expect(r.status).toBe(200);
    expect(await store.types()).toEqual(["T"]);
    expect((await store.page("T")).result.map((o) => o.key)).toEqual(["k"]);
  });

  test("replace: the next version only, updated from the server's clock", async () => {
    const before = await atVersion4();
    const replace = (version: string) => ({ writes: [{ op: "replace", type: "T", key: "k", version: "4", record: { value: 5, version, updated: FORGED } }] });
    expect((await call("rw", "POST", "/api/transactions", replace("1"))).status).toBe(400);
    expect((await call("rw", "POST", "/api/transactions", replace("9"))).status).toBe(400);
    expect(await store.get("T", "k")).toEqual(before);
    const ok = await call("rw", "POST", "/api/transactions", replace("5"));
    expect(ok.json.results).toEqual([{ version: "5", created: before.created, updated: SERVER_TIME }]);
    expect(await store.get("T", "k")).toMatchObject({ version: "5", created: before.created, updated: SERVER_TIME });
  });

  test("verbatim needs the replicate scope: 403 for read-write, nothing written", async () => {
    const before = await atVersion4();
    const body = { verbatim: true, writes: [{ op: "put", type: "T", key: "k", expect: { any: true }, record: forgedRecord("1") }] };
    const r = await call("rw", "POST", "/api/transactions", body);
    expect([r.status, r.json.error.code]).toEqual([403, "FORBIDDEN"]);
    expect(await store.get("T", "k")).toEqual(before);
  });

  test("PUT bodies shaped like records are values: version, stamps, type and key are the server's and the URL's", async () => {
    const forged = { type: "Other", key: "other", version: "9", created: FORGED, updated: FORGED, value: 1 };
    for (const path of ["/api/objects/T/k", "/api/object?type=T&key=k2"]) {
      const r = await call("rw", "PUT", path, forged);
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ version: "1", value: forged });
      expect(r.json.created).not.toBe(FORGED);
      const again = await call("rw", "PUT", path, forged, { "If-Match": r.headers.get("etag")! });
      expect(again.json).toMatchObject({ version: "2", created: r.json.created });
      expect(again.json.updated).not.toBe(FORGED);
    }
    expect(await store.types()).toEqual(["T"]);
  });

  test("DESIGN save ops: extra version or stamp fields do not set them", async () => {
    const before = await atVersion4();
    const r = await call("rw", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "k", value: 5, version: "4", created: FORGED, updated: FORGED }] });
    expect(r.status).toBe(200);
    expect(await store.get("T", "k")).toMatchObject({ version: "5", created: before.created });
    expect((await store.get("T", "k"))!.updated).not.toBe(FORGED);
    const stale = await call("rw", "POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "k", value: 1, version: "1" }] });
    expect(stale.status).toBe(412);
  });
});

describe("a read-only token cannot change anything", () => {
  test("every writing method on every route is refused and the store is unchanged", async () => {
    const before = await atVersion4();
    const tag = (await call("ro", "GET", "/api/objects/T/k")).headers.get("etag")!;
    const attempts: [string, string, unknown?, Record<string, string>?][] = [];
    for (const path of ["/api/objects/T/k", "/api/object?type=T&key=k", "/api/objects/T/new", "/api/object?type=T&key=new"]) {
      attempts.push(["PUT", path, 1], ["PUT", path, 1, { "If-Match": tag }], ["PUT", path, 1, { "If-Match": "*" }], ["PUT", path, 1, { "If-None-Match": "*" }]);
      attempts.push(["DELETE", path], ["DELETE", path, undefined, { "If-Match": tag }], ["POST", path, 1], ["PATCH", path, 1]);
    }
    attempts.push(["POST", "/api/objects/T", 1], ["DELETE", "/api/objects/T"], ["PUT", "/api/types", 1], ["DELETE", "/api/types"]);
    const tx = (writes: unknown[], extra = {}) => ["POST", "/api/transactions", { writes, ...extra }] as [string, string, unknown];
    attempts.push(
      tx([{ op: "save", type: "T", key: "k", value: 9, version: "4" }]),
      tx([{ op: "save", type: "T", key: "n", value: 9 }]),
      tx([{ op: "remove", type: "T", key: "k" }]),
      tx([{ op: "put", type: "T", key: "k", expect: { version: "4" }, record: forgedRecord("5") }]),
      tx([{ op: "delete", type: "T", key: "k", expect: { any: true } }]),
      tx([{ op: "truncate", type: "T" }]),
      tx([{ op: "replace", type: "T", key: "k", version: "4", record: { value: 9, version: "5" } }]),
      tx([{ op: "put", type: "T", key: "k", expect: { any: true }, record: forgedRecord("1") }], { verbatim: true }),
      ["PUT", "/api/transactions", { writes: [] }],
      ["POST", "/api/query", { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true }],
      ["POST", "/api/changes", { type: "T" }],
      ["PUT", "/api/changes", { type: "T" }],
    );
    for (const [method, path, body, headers] of attempts) {
      const r = await call("ro", method, path, body, headers);
      const allowed = method === "POST" && (path === "/api/query" || path === "/api/changes");
      if (allowed) expect(r.status).toBe(200);
      else expect([method, path, JSON.stringify(headers ?? {}), r.status]).toEqual([method, path, JSON.stringify(headers ?? {}), 403]);
    }
    expect(await store.types()).toEqual(["T"]);
    expect((await store.page("T")).result).toEqual([before]);
  });

  test("reads work: GET, HEAD, page, types, query, the change feed", async () => {
    await atVersion4();
    expect((await call("ro", "GET", "/api/objects/T/k")).status).toBe(200);
    expect((await call("ro", "HEAD", "/api/object?type=T&key=k")).status).toBe(200);
    expect((await call("ro", "GET", "/api/objects/T")).json.result).toHaveLength(1);
    expect((await call("ro", "GET", "/api/types")).json).toEqual(["T"]);
    expect((await call("ro", "POST", "/api/changes", { type: "T" })).json.changed).toHaveLength(1);
  });
});

describe("replicate scope", () => {
  test("verbatim writes keep versions and stamps exactly", async () => {
    const body = { verbatim: true, writes: [{ op: "put", type: "T", key: "k", expect: { any: true }, record: forgedRecord("7", "mirrored") }] };
    const r = await call("rep", "POST", "/api/transactions", body);
    expect(r.status).toBe(200);
    expect(await store.get("T", "k")).toEqual({ type: "T", key: "k", value: "mirrored", version: "7", created: FORGED, updated: FORGED });
    const replace = { verbatim: true, writes: [{ op: "replace", type: "T", key: "k", version: "7", record: { value: 8, version: "8", updated: "2002-02-02T00:00:00.000Z" } }] };
    expect((await call("rep", "POST", "/api/transactions", replace)).status).toBe(200);
    expect(await store.get("T", "k")).toMatchObject({ version: "8", created: FORGED, updated: "2002-02-02T00:00:00.000Z" });
  });

  test("without verbatim a replicate token gets the ordinary rules", async () => {
    const r = await call("rep", "POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "k", expect: { absent: true }, record: forgedRecord("1") }] });
    expect(r.status).toBe(200);
    expect(await store.get("T", "k")).toMatchObject({ created: SERVER_TIME, updated: SERVER_TIME });
  });
});

describe("tokens", () => {
  test("API_TOKENS format: token:scope, comma-separated; a bare token is read-write; bad scopes are refused without quoting tokens", () => {
    expect(parseTokens(" a:read , b:write,c:replicate,d ")).toEqual([
      { token: "a", scope: "read" }, { token: "b", scope: "write" }, { token: "c", scope: "replicate" }, { token: "d", scope: "write" },
    ]);
    expect(() => parseTokens("s3cret:admin")).toThrow(/scope must be read, write or replicate/);
    expect(() => parseTokens("s3cret:admin")).not.toThrow(/s3cret/);
    expect(() => createApp(store, { tokens: "bad token:read" })).toThrow(/RFC 6750/);
  });

  test("a wrong, missing or malformed token is 401 with WWW-Authenticate on every /api route; /health, /ready, /openapi.json need none", async () => {
    for (const headers of [{}, { Authorization: "Bearer nope" }, { Authorization: "Bearer" }, { Authorization: "Basic cm86" }, { Authorization: "Bearer a b" }] as Record<string, string>[]) {
      const res = await app.request("/api/types", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="objstore"');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    }
    for (const path of ["/health", "/ready", "/openapi.json"]) expect((await app.request(path)).status).toBe(200);
  });

  test("token (API_TOKEN) and tokens together: the single token is read-write", async () => {
    const both = createApp(store, { token: "single", tokens: "ro:read" });
    const put = (token: string) => both.request("/api/objects/T/x", { method: "PUT", headers: { Authorization: `Bearer ${token}` }, body: "1" });
    expect((await put("ro")).status).toBe(403);
    expect((await put("single")).status).toBe(201);
  });
});

describe("the Remote driver and scopes", () => {
  test("replication: true with a replicate token writes records verbatim (a Migrating mirror's To); with a read-write token it is refused", async () => {
    const server = await multiStoreServer();
    try {
      const url = server.url({ app: { tokens: TOKENS } });
      const served = [...server.stores.values()].at(-1)!;
      const record = { key: "m", value: "x", version: "3", created: FORGED, updated: FORGED };
      const mirror = createObjectStoreInstance({ Type: "Remote", url, token: "rep", replication: true });
      await driverOf(mirror)!.commit([{ op: "put", type: "T", key: "m", expect: { any: true }, record: { ...record } }]);
      expect(await served.get("T", "m")).toEqual({ type: "T", ...record });
      const wrongScope = createObjectStoreInstance({ Type: "Remote", url, token: "rw", replication: true });
      await expectError(driverOf(wrongScope)!.commit([{ op: "put", type: "T", key: "n", expect: { any: true }, record: { ...record, key: "n" } }]), BackendError, "BACKEND_ERROR");
      expect(await served.get("T", "n")).toBeUndefined();
      // An ordinary Remote store: stamps come from the server and the store reports them.
      const plain = createObjectStoreInstance({ Type: "Remote", url, token: "rw" }, { now: () => new Date(FORGED) });
      const saved = await plain.save("T", "p", 1);
      expect(saved.created).not.toBe(FORGED);
      expect(await served.get("T", "p")).toMatchObject(saved);
      const again = await plain.transaction((tx) => tx.save("T", "p", 2, "1"));
      expect(again.updated).not.toBe(FORGED);
      expect(await served.get("T", "p")).toMatchObject(again);
      const replaced = await plain.save("T", "p", 3, "2");
      expect(await served.get("T", "p")).toMatchObject(replaced);
      // A create in a transaction of a key it never read (committed without reading it first).
      const [created, other] = await plain.transaction(async (tx) => [await tx.save("T", "fresh", 1), await tx.save("T", "p", 4, "3")]);
      expect(created.created).not.toBe(FORGED);
      expect(await served.get("T", "fresh")).toMatchObject(created);
      expect(await served.get("T", "p")).toMatchObject(other);
      await expectError(createObjectStoreInstance({ Type: "Remote", url, token: "ro" }).save("T", "q", 1), BackendError, "BACKEND_ERROR");
    } finally {
      await server.close();
    }
  });
});
