import { describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { readBearer, tokenAuth, useBearerReader } from "../src/http/auth.ts";

await import("../src/http/mod.ts"); // what @objstore/objstore/http is outside Workers and browsers
// Taken before anything else imports hono-bearer.ts or switches readers: hono/bearer-auth's middleware is its named function.
const serverGuard = tokenAuth([{ token: "t", scope: "write" }]).name;
const { honoBearer } = await import("../src/http/hono-bearer.ts");
test("@objstore/objstore/http reads bearer tokens through hono/bearer-auth", () => {
  expect(serverGuard).toBe("bearerAuth");
});

// Servers read the header through hono/bearer-auth; Worker and browser bundles through readBearer.
for (const [name, reader] of [["hono/bearer-auth", honoBearer], ["readBearer (Workers, browsers)", readBearer]] as const) describe(`HTTP bearer token, read by ${name}`, () => {
  useBearerReader(reader);
  const store = createObjectStoreInstance();
  const app = createApp(store, { token: "s3cret-token" });

  test("every /api/* route needs Authorization: Bearer <token>; /health does not", async () => {
    expect((await app.request("/health")).status).toBe(200);
    for (const [method, path] of [["GET", "/api/types"], ["GET", "/api/objects/T"], ["GET", "/api/objects/T/k"], ["PUT", "/api/objects/T/k"], ["DELETE", "/api/objects/T/k"], ["POST", "/api/transactions"], ["POST", "/api/query"], ["GET", "/api/nothing"]] as const) {
      const res = await app.request(path, { method, body: method === "PUT" || method === "POST" ? "1" : undefined });
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    }
    expect(await store.types()).toEqual([]);
  });

  test("a wrong, truncated, longer or malformed token is 401; the right one passes", async () => {
    for (const header of ["Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2", "Basic s3cret-token", "s3cret-token", "Bearer", ""]) {
      const res = await app.request("/api/objects/T/k", { method: "PUT", body: "1", headers: { Authorization: header } });
      expect([header, res.status]).toEqual([header, 401]);
    }
    expect(await store.get("T", "k")).toBeUndefined();
    const ok = await app.request("/api/objects/T/k", { method: "PUT", body: "1", headers: { Authorization: "Bearer s3cret-token" } });
    expect(ok.status).toBe(201);
    expect((await app.request("/api/types", { headers: { Authorization: "bearer s3cret-token" } })).status).toBe(200);
  });

  test("the Authorization header is read as hono/bearer-auth reads it: the same headers pass and fail", async () => {
    // readBearer must parse as hono/bearer-auth does (its generic options cost ~0.9 KB gzip in a Worker).
    const { bearerAuth } = await import("hono/bearer-auth");
    const { Hono } = await import("hono");
    const reference = new Hono().use("*", bearerAuth({ verifyToken: async (token) => token === "s3cret-token" })).get("*", (c) => c.text("ok"));
    const headers = [
      "Bearer s3cret-token", "bearer s3cret-token", "BEARER s3cret-token", "Bearer   s3cret-token", "Bearer \ts3cret-token", "Bearer\ts3cret-token",
      "Bearer s3cret-token ", "Bearer s3cret-token=", "Bearers3cret-token", " Bearer s3cret-token", "Bearer s3cret token", "Bearer s3cret-token,x",
      "Bearer", "Bearer ", "Basic s3cret-token", "s3cret-token", "Bearer wrong", "Bearer s3cret-tokeN",
    ];
    for (const header of headers) {
      const want = (await reference.request("/api/types", { headers: { Authorization: header } })).status === 200;
      const res = await app.request("/api/types", { headers: { Authorization: header } });
      expect([header, res.status === 200]).toEqual([header, want]);
      if (!want) {
        expect([header, res.status, res.headers.get("www-authenticate")]).toEqual([header, 401, 'Bearer realm="objstore"']);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      }
    }
  });

  test("an empty token is refused when the app is created", () => {
    expect(() => createApp(store, { token: "" })).toThrow(/token/);
  });
});
useBearerReader(honoBearer); // as the import of src/http/mod.ts above left it

describe("HTTP body limit", () => {
  test("bodies over the limit are 413 PAYLOAD_TOO_LARGE and write nothing (default 1 MB)", async () => {
    const store = createObjectStoreInstance();
    const app = createApp(store);
    const big = JSON.stringify("x".repeat(1024 * 1024));
    const res = await app.request("/api/objects/T/k", { method: "PUT", body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    const tx = await app.request("/api/transactions", { method: "POST", body: JSON.stringify({ writes: [{ op: "save", type: "T", key: "k", value: "x".repeat(1024 * 1024) }] }) });
    expect(tx.status).toBe(413);
    expect(await store.types()).toEqual([]);
    const fits = await app.request("/api/objects/T/k", { method: "PUT", body: JSON.stringify("x".repeat(1000 * 1000)) });
    expect(fits.status).toBe(201);
  });

  test("the limit is configurable and also holds for streamed bodies without Content-Length", async () => {
    const store = createObjectStoreInstance();
    const app = createApp(store, { bodyLimit: 100 });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(`"${"y".repeat(30)}"`.slice(0, 30)));
        controller.close();
      },
    });
    const res = await app.fetch(new Request("http://x/api/objects/T/k", { method: "PUT", body: stream, duplex: "half" } as RequestInit));
    expect(res.status).toBe(413);
    expect((await app.request("/api/objects/T/k", { method: "PUT", body: JSON.stringify("z".repeat(90)) })).status).toBe(201);
    expect((await app.request("/api/objects/T/j", { method: "PUT", body: JSON.stringify("z".repeat(99)) })).status).toBe(413);
  });
});

describe("HTTP CORS", () => {
  test("off by default: no CORS headers", async () => {
    const res = await createApp(createObjectStoreInstance()).request("/api/types", { headers: { Origin: "https://a.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("allowed origins get CORS headers, preflight works without a token, others get none", async () => {
    const app = createApp(createObjectStoreInstance(), { cors: ["https://a.example"], token: "t" });
    const preflight = await app.request("/api/objects/T/k", {
      method: "OPTIONS",
      headers: { Origin: "https://a.example", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,if-match" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://a.example");
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/PUT/);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toMatch(/if-match/);
    const get = await app.request("/api/types", { headers: { Origin: "https://a.example", Authorization: "Bearer t" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("https://a.example");
    expect(get.headers.get("access-control-expose-headers")).toMatch(/ETag/i);
    const other = await app.request("/api/types", { headers: { Origin: "https://evil.example", Authorization: "Bearer t" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
