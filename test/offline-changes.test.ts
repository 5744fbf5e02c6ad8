// The change feed (POST /api/changes) and its use: a re-sync downloads what changed, finds
// removals through the digest, and falls back to a walk when the server has no feed.
import "../src/drivers/register/all.ts";
import { describe, expect, test } from "bun:test";
import { createObjectStoreInstance, type OfflineObjectStore } from "../mod.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createApp } from "../src/http/app.ts";

interface Traffic {
  requests: Record<string, number>;
  bytes: number;
}

/** A server store, its app, and a fetch into it that counts requests and response bytes. */
function serverRig(options: { noFeed?: boolean } = {}) {
  // The server's stamps run an hour behind until `clock.offset` is set to 0: what was seeded is
  // then well before any sync's watermark, as data of yesterday would be.
  const clock = { offset: -3_600_000 };
  const server = createObjectStoreInstance(null, { now: () => new Date(Date.now() + clock.offset) });
  const app = createApp(server);
  const traffic: Traffic = { requests: {}, bytes: 0 };
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.replace(/^(\/api\/objects\/[^/]+)\/.*$/, "$1/:key");
    traffic.requests[path] = (traffic.requests[path] ?? 0) + 1;
    if (options.noFeed && path === "/api/changes") return new Response(JSON.stringify({ error: { code: "NOT_FOUND", message: "no route" } }), { status: 404 });
    const response = await app.fetch(request);
    const body = await response.arrayBuffer();
    traffic.bytes += body.byteLength;
    return new Response(body, { status: response.status, headers: response.headers });
  }) as typeof globalThis.fetch;
  const open = () =>
    createObjectStoreInstance({ Type: "Offline", Main: { Type: "Remote", url: "http://objstore.test" }, Local: { Type: "Memory" }, Types: ["Note"], SyncInterval: 0 }, { fetch }) as OfflineObjectStore;
  const reset = () => ((traffic.requests = {}), (traffic.bytes = 0));
  return { server, traffic, open, reset, clock };
}

async function seed(store: ReturnType<typeof createObjectStoreInstance>, n: number) {
  for (let i = 0; i < n; i += 100) {
    await store.transaction(async (tx) => {
      for (let j = i; j < Math.min(n, i + 100); j++) await tx.save("Note", `n${String(j).padStart(5, "0")}`, { text: `note ${j}`, pad: "x".repeat(100) });
    });
  }
}

async function keysAndVersions(store: ReturnType<typeof createObjectStoreInstance>) {
  const out: string[] = [];
  for await (const o of store.scan("Note")) out.push(`${o.key}@${o.version}:${JSON.stringify(o.value)}`);
  return out;
}

describe("change feed", () => {
  test("a re-sync with 1% changed downloads about 1% of the bytes, removals included", async () => {
    const r = serverRig();
    await seed(r.server, 2000);
    const store = r.open();
    await store.sync();
    const initial = r.traffic.bytes;
    expect(await keysAndVersions(store)).toEqual(await keysAndVersions(r.server));

    // 20 changed (1%): 10 updated, 5 removed, 5 created, stamped now.
    r.clock.offset = 0;
    for (let i = 0; i < 10; i++) await r.server.update("Note", `n${String(i * 100).padStart(5, "0")}`, (v) => ({ ...(v as object), text: "edited" }));
    for (let i = 0; i < 5; i++) await r.server.remove("Note", `n${String(i * 100 + 7).padStart(5, "0")}`);
    for (let i = 0; i < 5; i++) await r.server.save("Note", `new${i}`, { text: "new" });
    r.reset();
    await store.sync();
    expect(await keysAndVersions(store)).toEqual(await keysAndVersions(r.server));
    expect(r.traffic.bytes).toBeLessThan(initial / 20);
    expect(r.traffic.requests["/api/query"]).toBeUndefined();
    await store.close();
  });

  test("removals of old objects are found by the digest without downloading the type", async () => {
    const r = serverRig();
    await seed(r.server, 500);
    const store = r.open();
    await store.sync();
    const initial = r.traffic.bytes;
    await r.server.remove("Note", "n00042");
    r.reset();
    await store.sync();
    expect(r.traffic.bytes).toBeLessThan(initial / 20);
    expect(await store.get("Note", "n00042")).toBeUndefined();
    expect((await store.page("Note")).pagination.total).toBe(499);
    await store.close();
  });

  test("a server without the feed is walked instead", async () => {
    const r = serverRig({ noFeed: true });
    await seed(r.server, 300);
    const store = r.open();
    await store.sync();
    await r.server.remove("Note", "n00001");
    await r.server.save("Note", "n00002", { text: "edited" }, "1");
    await store.sync();
    expect(await keysAndVersions(store)).toEqual(await keysAndVersions(r.server));
    expect(r.traffic.requests["/api/query"]).toBeGreaterThan(0);
    await store.close();
  });

  test("bad change requests are INVALID_ARGUMENT", async () => {
    const r = serverRig();
    const app = createApp(r.server);
    for (const body of [{ type: "Note_" }, { type: "Note", limit: 0 }, { type: "Note", versionsOf: [1] }, { type: "Note", since: "yesterday" }, { type: "Note", extra: 1 }]) {
      const response = await app.request("/api/changes", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
      expect(response.status).toBe(400);
    }
    expect((await app.request("/api/changes")).status).toBe(405);
  });
});
