import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { serveHandler } from "./http-live.ts";

/** Keys of DESIGN §2.4 that must round-trip, plus URL-hostile ones. */
export const HOSTILE_KEYS: string[] = [
  "/", "//", "a/b", "a/../b", "../../etc/passwd", "..\\..\\x", "%", "%2F", "%25", "%zz", "100%",
  "?", "a?b=c", "#", "a#frag", "&", "=", "+", "a+b", " ", " lead", "trail ", "a b", ":", "a:b", ";", "@", "~",
  "'\"<>`", "{}", "[]", "|", "^", "ключ", "键", "🔑", "e\u0301", "\u200b", "\ufeff", "x".repeat(1024),
  "é".repeat(512), "/api/objects/T/k", "*", "-", "_", "a\\b", "%00",
];
/** Keys WHATWG URLs cannot carry as path segments: they go through `/api/object?type=&key=`. */
const DOT_KEYS = [".", ".."];

describe("hostile keys over HTTP (app.request)", () => {
  const store = createObjectStoreInstance();
  const app = createApp(store);

  test("every key of DESIGN §2.4 round-trips percent-encoded in the path (PUT, GET, list, If-Match PUT, DELETE)", async () => {
    for (const key of HOSTILE_KEYS) {
      const path = `/api/objects/Hostile/${encodeURIComponent(key)}`;
      const put = await app.request(path, { method: "PUT", body: JSON.stringify({ key }) });
      expect([key, put.status]).toEqual([key, 201]);
      const got = (await (await app.request(path)).json()) as { key: string; value: { key: string } };
      expect([key, got.key, got.value.key]).toEqual([key, key, key]);
      expect((await store.get("Hostile", key))?.value).toEqual({ key });
      const upd = await app.request(path, { method: "PUT", body: "2", headers: { "If-Match": '"1"' } });
      expect([key, upd.status]).toEqual([key, 200]);
    }
    const page = (await (await app.request("/api/objects/Hostile?pagesize=100")).json()) as { result: { key: string }[] };
    expect(page.result.map((o) => o.key).sort()).toEqual([...HOSTILE_KEYS].sort());
    for (const key of HOSTILE_KEYS) {
      const del = await app.request(`/api/objects/Hostile/${encodeURIComponent(key)}`, { method: "DELETE", headers: { "If-Match": '"2"' } });
      expect([key, del.status]).toEqual([key, 204]);
    }
    expect(await store.types()).toEqual([]);
  });

  test("an unencoded / in a key is taken as part of the key, %2F too; types with / work encoded", async () => {
    await app.request("/api/objects/T/a/b/c", { method: "PUT", body: "1" });
    expect((await store.get("T", "a/b/c"))?.value).toBe(1);
    expect((await app.request("/api/objects/T/a%2Fb%2Fc")).status).toBe(200);
    expect((await app.request(`/api/objects/${encodeURIComponent("x/y")}/k`, { method: "PUT", body: "1" })).status).toBe(201);
    expect((await store.get("x/y", "k"))?.value).toBe(1);
    await store.truncate("T");
    await store.truncate("x/y");
  });

  test('"." and ".." keys and types round-trip through /api/object?type=&key=', async () => {
    for (const type of ["T", ".", ".."]) {
      for (const key of DOT_KEYS) {
        const path = `/api/object?type=${encodeURIComponent(type)}&key=${encodeURIComponent(key)}`;
        expect((await app.request(path, { method: "PUT", body: "1" })).status).toBe(201);
        expect((await store.get(type, key))?.value).toBe(1);
        expect(((await (await app.request(path)).json()) as { key: string }).key).toBe(key);
        expect((await app.request(path, { method: "DELETE" })).status).toBe(204);
      }
    }
    expect((await app.request("/api/object?type=T")).status).toBe(400);
  });
});

describe("hostile keys through the Remote driver (live server)", () => {
  let server: Awaited<ReturnType<typeof serveHandler>>;
  let local: ObjectStore;
  beforeAll(async () => {
    local = createObjectStoreInstance();
    server = await serveHandler(createApp(local).fetch);
  });
  afterAll(async () => {
    await server.close();
  });

  test("every key, dot keys included, round-trips: save, get, page, update, remove", async () => {
    const remote = createObjectStoreInstance({ Type: "Remote", url: server.url });
    const keys = [...HOSTILE_KEYS, ...DOT_KEYS];
    for (const key of keys) await remote.save("H", key, { key });
    for (const key of keys) expect([key, (await remote.get("H", key))?.value]).toEqual([key, { key }]);
    for (const key of keys) expect((await local.get("H", key))?.version).toBe("1");
    const seen: string[] = [];
    for await (const o of remote.scan("H")) seen.push(o.key);
    expect(seen.sort()).toEqual([...keys].sort());
    for (const key of keys) await remote.update("H", key, () => 2, "1");
    for (const key of keys) await remote.remove("H", key, { version: "2" });
    expect(await remote.types()).toEqual([]);
    await remote.close();
  });
});
