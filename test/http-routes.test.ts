import { beforeEach, describe, expect, test } from "bun:test";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";

let store: ObjectStore;
let app: ReturnType<typeof createApp>;
beforeEach(() => {
  store = createObjectStoreInstance({ Type: "Memory" }, { now: () => new Date("2026-01-02T03:04:05.678Z") });
  app = createApp(store);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await app.request(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === "" ? undefined : JSON.parse(text) };
}

describe("HTTP routes", () => {
  test("GET /health is 200 {ok:true}", async () => {
    const r = await call("GET", "/health");
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true });
  });

  test("GET /api/types lists types holding objects, sorted", async () => {
    expect((await call("GET", "/api/types")).json).toEqual([]);
    await store.save("Zed", "k", 1);
    await store.save("Alpha", "k", 1);
    const r = await call("GET", "/api/types");
    expect(r.status).toBe(200);
    expect(r.json).toEqual(["Alpha", "Zed"]);
  });

  test("PUT without If-Match creates (201, ETag, body) and a second create is 409 OBJECT_EXISTS", async () => {
    const r = await call("PUT", "/api/objects/Person/ann", { name: "Ann" });
    expect(r.status).toBe(201);
    expect(r.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
    expect(r.json).toEqual({ type: "Person", key: "ann", value: { name: "Ann" }, version: "1", created: "2026-01-02T03:04:05.678Z", updated: "2026-01-02T03:04:05.678Z" });
    const again = await call("PUT", "/api/objects/Person/ann", { name: "Other" });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("OBJECT_EXISTS");
    expect((await store.get("Person", "ann"))?.value).toEqual({ name: "Ann" });
  });

  test("PUT with If-Match updates (200, new ETag); wrong version 412; missing 404", async () => {
    await call("PUT", "/api/objects/Person/ann", { age: 1 });
    const ok = await call("PUT", "/api/objects/Person/ann", { age: 2 }, { "If-Match": '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toMatch(/^"2\.[0-9a-z]+"$/);
    expect(ok.json.version).toBe("2");
    const stale = await call("PUT", "/api/objects/Person/ann", { age: 3 }, { "If-Match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe("WRONG_OBJECT_VERSION");
    const missing = await call("PUT", "/api/objects/Person/bob", { age: 3 }, { "If-Match": '"1"' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("OBJECT_MISSING");
    expect(await store.get("Person", "bob")).toBeUndefined();
    expect((await store.get("Person", "ann"))?.value).toEqual({ age: 2 });
  });

  test("PUT If-Match: * replaces whatever version is there, 404 when missing; If-None-Match: * creates", async () => {
    expect((await call("PUT", "/api/objects/T/k", 1, { "If-Match": "*" })).status).toBe(404);
    expect((await call("PUT", "/api/objects/T/k", 1, { "If-None-Match": "*" })).status).toBe(201);
    expect((await call("PUT", "/api/objects/T/k", 2, { "If-None-Match": "*" })).status).toBe(412);
    const r = await call("PUT", "/api/objects/T/k", 3, { "If-Match": "*" });
    expect(r.status).toBe(200);
    expect(r.headers.get("etag")).toMatch(/^"2\.[0-9a-z]+"$/);
  });

  test("GET of an object: 200 with ETag; 404 OBJECT_MISSING; If-None-Match 304; If-Match mismatch 412", async () => {
    await store.save("T", "k", { a: 1 });
    const r = await call("GET", "/api/objects/T/k");
    expect(r.status).toBe(200);
    expect(r.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
    expect(r.json).toMatchObject({ type: "T", key: "k", value: { a: 1 }, version: "1" });
    const missing = await call("GET", "/api/objects/T/nope");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("OBJECT_MISSING");
    const tag = r.headers.get("etag")!;
    const notModified = await call("GET", "/api/objects/T/k", undefined, { "If-None-Match": tag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(tag);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-None-Match": `W/${tag}` })).status).toBe(304);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-None-Match": '"7", W/"9"' })).status).toBe(200);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-Match": '"2"' })).status).toBe(412);
    expect((await call("GET", "/api/objects/T/k", undefined, { "If-Match": '"1"' })).status).toBe(200);
  });

  test("HEAD of an object answers like GET without a body", async () => {
    await store.save("T", "k", 1);
    const res = await app.request("/api/objects/T/k", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
    expect(await res.text()).toBe("");
  });

  test("DELETE: 204; 404 when missing; 412 on a wrong If-Match, 204 on the right one", async () => {
    await store.save("T", "a", 1);
    await store.save("T", "b", 1);
    expect((await call("DELETE", "/api/objects/T/a")).status).toBe(204);
    expect(await store.get("T", "a")).toBeUndefined();
    const missing = await call("DELETE", "/api/objects/T/a");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("OBJECT_MISSING");
    const wrong = await call("DELETE", "/api/objects/T/b", undefined, { "If-Match": '"5"' });
    expect(wrong.status).toBe(412);
    expect(wrong.json.error.code).toBe("WRONG_OBJECT_VERSION");
    expect(await store.get("T", "b")).toBeDefined();
    expect((await call("DELETE", "/api/objects/T/b", undefined, { "If-Match": '"1"' })).status).toBe(204);
    expect(await store.get("T", "b")).toBeUndefined();
  });

  test("GET /api/objects/:type pages with offset, pagesize, query, sort and cursor", async () => {
    for (let i = 0; i < 7; i++) await store.save("N", `k${i}`, { n: 6 - i, tag: i % 2 ? "odd" : "even" });
    const first = await call("GET", "/api/objects/N?sort=n&pagesize=3&query=EVEN");
    expect(first.status).toBe(200);
    expect(first.json.pagination).toEqual({ offset: 0, pagesize: 3, total: 4 });
    expect(first.json.result.map((o: { key: string }) => o.key)).toEqual(["k6", "k4", "k2"]);
    expect(typeof first.json.next).toBe("string");
    const second = await call("GET", `/api/objects/N?pagesize=3&cursor=${encodeURIComponent(first.json.next)}`);
    expect(second.json.pagination.total).toBe(-1);
    expect(second.json.result.map((o: { key: string }) => o.key)).toEqual(["k0"]);
    expect(second.json.next).toBeUndefined();
    const offset = await call("GET", "/api/objects/N?offset=5&pagesize=10");
    expect(offset.json.pagination).toEqual({ offset: 5, pagesize: 10, total: 7 });
    expect(offset.json.result.map((o: { key: string }) => o.key)).toEqual(["k5", "k6"]);
    const clamped = await call("GET", "/api/objects/N?pagesize=1000");
    expect(clamped.json.pagination.pagesize).toBe(100);
    const empty = await call("GET", "/api/objects/Nothing");
    expect(empty.json).toEqual({ pagination: { offset: 0, pagesize: 100, total: 0 }, result: [] });
    const uncounted = await call("GET", "/api/objects/N?offset=2&pagesize=3&total=false");
    expect(uncounted.json.pagination).toEqual({ offset: 2, pagesize: 3, total: -1 });
    expect(uncounted.json.result.map((o: { key: string }) => o.key)).toEqual(["k2", "k3", "k4"]);
    expect(typeof uncounted.json.next).toBe("string");
    expect((await call("GET", "/api/objects/N?total=true")).json.pagination.total).toBe(7);
  });

  test("bad offset, pagesize, sort, cursor and repeated parameters are 400 INVALID_ARGUMENT naming the problem", async () => {
    const cases: [string, RegExp][] = [
      ["offset=-1", /offset/],
      ["offset=1.5", /offset/],
      ["pagesize=abc", /pagesize/],
      ["pagesize=", /pagesize/],
      ["pagesize=1&pagesize=2", /pagesize: given 2 times/],
      ["sort=a:sideways", /sort/],
      ["sort=a,,b", /sort/],
      ["sort=a:asc:x", /sort/],
      ["cursor=%%%", /cursor/],
      ["cursor=abc", /cursor/],
      ["total=no", /total/],
      ["total=false&total=true", /total: given 2 times/],
    ];
    for (const [query, message] of cases) {
      const r = await call("GET", `/api/objects/T?${query}`);
      expect([query, r.status, r.json.error.code]).toEqual([query, 400, "INVALID_ARGUMENT"]);
      expect(r.json.error.message).toMatch(message);
    }
  });

  test("invalid types, keys and values are 400 with their codes", async () => {
    expect((await call("GET", "/api/objects/Bad__Type/k")).json.error.code).toBe("INVALID_OBJECT_TYPE");
    expect((await call("GET", "/api/objects/T/a%00b")).json.error.code).toBe("INVALID_KEY");
    expect((await call("GET", "/api/objects/T/%E0%A4%A")).json.error.code).toBe("INVALID_KEY");
    expect((await call("GET", `/api/objects/T/${"x".repeat(1025)}`)).json.error.code).toBe("INVALID_KEY");
    const bad = await call("PUT", "/api/objects/T/k", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("INVALID_VALUE");
    expect((await call("PUT", "/api/objects/T/k", "")).json.error.code).toBe("INVALID_VALUE");
    for (const n of [513, 100_000]) {
      const deep = await call("PUT", "/api/objects/T/k", "[".repeat(n) + "]".repeat(n));
      expect([n, deep.status, deep.json.error.code]).toEqual([n, 400, "INVALID_VALUE"]);
      const deepTx = await call("POST", "/api/transactions", `{"writes":[{"op":"save","type":"T","key":"k","value":${'{"a":'.repeat(n)}1${"}".repeat(n)}}]}`);
      expect([n, deepTx.status]).toEqual([n, 400]);
    }
    const fine = await call("PUT", "/api/objects/T/deep", `${"[".repeat(400)}"[{\\\\"${"]".repeat(400)}`);
    expect(fine.status).toBe(201);
    await store.remove("T", "deep");
    expect((await call("PUT", "/api/objects/T/k", 1, { "If-Match": '"1", "2"' })).json.error.code).toBe("INVALID_ARGUMENT");
    expect(await store.types()).toEqual([]);
  });

  test("unknown routes are 404 NOT_FOUND, wrong methods 405, errors carry no stack", async () => {
    const r = await call("GET", "/api/nothing");
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe("NOT_FOUND");
    const m = await call("POST", "/api/objects/T/k", 1);
    expect(m.status).toBe(405);
    expect(m.json.error.code).toBe("METHOD_NOT_ALLOWED");
    expect((await call("GET", "/api/transactions")).status).toBe(405);
    expect((await call("DELETE", "/api/objects/T")).status).toBe(405);
    expect(JSON.stringify(r.json) + JSON.stringify(m.json)).not.toMatch(/at .*\.ts|stack/i);
  });

  test("a failing backend is 500 with a bare body, never internals", async () => {
    const broken = createApp({ ...store, types: () => Promise.reject(new Error("secret /etc/path at line 3")) } as ObjectStore);
    const res = await broken.request("/api/types");
    expect(res.status).toBe(500);
    const body = await res.json() as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } });
  });

  test("a closed store answers 503 CLOSED", async () => {
    await store.close();
    const r = await call("GET", "/api/objects/T/k");
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe("CLOSED");
  });
});
