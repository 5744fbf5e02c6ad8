// Issue 14 items 1, 2 and 4: ETags unique per incarnation with RFC 9110 comparisons, 412 for
// If-None-Match: * on an existing object, Location on 201, Allow on every 405, /health and /ready.
import { beforeEach, describe, expect, test } from "bun:test";
import "../src/drivers/register/remote.ts";
import { BackendError, createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { createApp } from "../src/http/app.ts";

let store: ObjectStore;
let app: ReturnType<typeof createApp>;
let clock = Date.UTC(2026, 0, 1);
beforeEach(() => {
  store = createObjectStoreInstance({ Type: "Memory" }, { now: () => new Date(clock) });
  app = createApp(store);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe("ETag per incarnation", () => {
  test("an object removed and created again never repeats an ETag: no 304 for other content, no overwrite by a stale If-Match", async () => {
    const first = await call("PUT", "/api/objects/T/k", "first");
    const oldTag = first.headers.get("etag")!;
    expect(oldTag).toBe(`"1.${clock.toString(36)}"`);
    expect((await call("DELETE", "/api/objects/T/k")).status).toBe(204);
    clock += 1;
    const second = await call("PUT", "/api/objects/T/k", "second");
    expect(second.json.version).toBe("1");
    expect(second.headers.get("etag")).not.toBe(oldTag);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-None-Match": oldTag })).status).toBe(200);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-None-Match": second.headers.get("etag")! })).status).toBe(304);
    const stale = await call("PUT", "/api/objects/T/k", "overwrite", { "If-Match": oldTag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe(second.headers.get("etag"));
    expect((await call("DELETE", "/api/objects/T/k", undefined, { "If-Match": oldTag })).status).toBe(412);
    expect((await store.get("T", "k"))?.value).toBe("second");
    const ok = await call("PUT", "/api/objects/T/k", "third", { "If-Match": second.headers.get("etag")! });
    expect([ok.status, ok.json.version]).toEqual([200, "2"]);
  });

  test("If-Match is strong: a weak tag never matches, on GET and on writes", async () => {
    const { headers } = await call("PUT", "/api/objects/T/k", 1);
    const tag = headers.get("etag")!;
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-Match": `W/${tag}` })).status).toBe(412);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-Match": `W/${tag}` })).status).toBe(412);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-Match": 'W/"1"' })).status).toBe(412);
    expect((await call("DELETE", "/api/objects/T/k", undefined, { "If-Match": `W/${tag}` })).status).toBe(412);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-Match": '"not-a-tag"' })).status).toBe(412);
    expect((await store.get("T", "k"))?.version).toBe("1");
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-Match": `"x", ${tag}` })).status).toBe(200);
  });

  test('a bare "<version>" is still accepted in If-Match as the version alone', async () => {
    await call("PUT", "/api/objects/T/k", 1);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-Match": '"1"' })).status).toBe(200);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-Match": '"2"' })).status).toBe(412);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-Match": '"1"' })).status).toBe(200);
    expect((await call("DELETE", "/api/objects/T/k", undefined, { "If-Match": '"2"' })).status).toBe(204);
  });
});

describe("RFC 9110 details", () => {
  test("If-None-Match: * on PUT of an existing object is 412; a plain second PUT stays 409", async () => {
    expect((await call("PUT", "/api/objects/T/k", 1, { "If-None-Match": "*" })).status).toBe(201);
    const pre = await call("PUT", "/api/objects/T/k", 2, { "If-None-Match": "*" });
    expect(pre.status).toBe(412);
    expect((await call("PUT", "/api/objects/T/k", 2)).status).toBe(409);
    expect((await store.get("T", "k"))?.value).toBe(1);
  });

  test("201 carries Location (the object's URL, both route forms)", async () => {
    const path = "/api/objects/T/a%2Fb";
    expect((await call("PUT", path, 1)).headers.get("location")).toBe(path);
    const query = "/api/object?type=T&key=..";
    expect((await call("PUT", query, 1)).headers.get("location")).toBe(query);
    expect((await call("PUT", path, 2, { "If-Match": '"1"' })).headers.get("location")).toBeNull();
  });

  test("every 405 carries Allow", async () => {
    const cases: [string, string, string][] = [
      ["POST", "/health", "GET, HEAD"],
      ["DELETE", "/ready", "GET, HEAD"],
      ["PUT", "/openapi.json", "GET, HEAD"],
      ["POST", "/api/types", "GET, HEAD"],
      ["PUT", "/api/objects/T", "GET, HEAD"],
      ["POST", "/api/objects/T/k", "GET, HEAD, PUT, DELETE"],
      ["PATCH", "/api/object?type=T&key=k", "GET, HEAD, PUT, DELETE"],
      ["GET", "/api/transactions", "POST"],
      ["GET", "/api/query", "POST"],
    ];
    for (const [method, path, allow] of cases) {
      const r = await call(method, path);
      expect([method, path, r.status, r.headers.get("allow"), r.json?.error?.code]).toEqual([method, path, 405, allow, "METHOD_NOT_ALLOWED"]);
    }
  });
});

describe("/health and /ready", () => {
  test("/health is liveness; /ready is 200 while the store serves", async () => {
    expect((await call("GET", "/health")).json).toEqual({ ok: true });
    expect(await call("GET", "/ready")).toMatchObject({ status: 200, json: { ok: true } });
  });

  test("/ready is 503 with a JSON reason (no secrets) when the backend is down, a closed store, or a config that cannot open", async () => {
    const down = createStore({
      ...memoryDriver(),
      get: () => Promise.reject(new BackendError("BACKEND_UNAVAILABLE", "The DynamoDB backend is unreachable")),
    });
    const r = await createApp(down).request("/ready");
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ok: false, error: { code: "BACKEND_UNAVAILABLE", message: "The DynamoDB backend is unreachable" } });
    const internal = createStore({ ...memoryDriver(), get: () => Promise.reject(new Error("password=hunter2 refused")) });
    const body = await (await createApp(internal).request("/ready")).text();
    expect(body).not.toContain("hunter2");
    expect(JSON.parse(body).ok).toBe(false);
    await store.close();
    expect((await call("GET", "/ready")).status).toBe(503);
    expect((await call("GET", "/health")).status).toBe(200);
    const unreachable = createObjectStoreInstance({ Type: "Remote", url: "http://127.0.0.1:9/", token: "t0ken-secret" });
    const remote = await createApp(unreachable).request("/ready");
    expect(remote.status).toBe(503);
    expect(await remote.text()).not.toContain("t0ken-secret");
  });
});
