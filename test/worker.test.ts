// The Worker (adapters/worker.ts), bundled with `bun build` as `wrangler` would, runs in workerd
// through Miniflare's API and serves requests with a Memory store, with a DynamoDB store on
// DynamoDB Local and with a libSQL store over HTTP (both on 127.0.0.1, reached by the Worker's
// own fetch).
//
// Runs on Bun and Deno only: the installed miniflare 4 needs Node >= 22 (its engines field;
// it fails to load on Node 20, which the Node leg runs).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { type DynamoDBLocalHandle, useDynamoDBLocal } from "./support/dynamodb-local.ts";
import { type HranaServer, startHranaServer } from "./hrana/server.ts";

const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUN = join(ROOT, ".tools", "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");

// deno-lint-ignore no-explicit-any
type MiniflareLike = { dispatchFetch(url: string, init?: any): Promise<Response>; dispose(): Promise<void>; ready: Promise<unknown> };

let script = "";
async function startWorker(bindings: Record<string, string>): Promise<MiniflareLike> {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({ modules: true, scriptPath: script, compatibilityDate: "2025-01-01", bindings }) as unknown as MiniflareLike;
  await mf.ready;
  return mf;
}

if (!onNode) {
  beforeAll(() => {
    const dir = join(ROOT, ".cache", "worker");
    mkdirSync(dir, { recursive: true });
    script = join(dir, `worker-${"Bun" in globalThis ? "bun" : "deno"}-${process.pid}.js`);
    const built = spawnSync(BUN, ["build", join(ROOT, "adapters", "worker.ts"), "--target=browser", "--format=esm", `--outfile=${script}`], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`bun build failed: ${built.stderr}`);
  });
}

describe("Worker module in-process (every runtime)", () => {
  test("fetch(request, env) serves the API from the env's config, one store per config", async () => {
    const { default: worker } = await import("../adapters/worker.ts");
    const env = { APIAPP_OBJECTSTORECONFIG: { Type: "Memory" }, API_TOKEN: "t" };
    const put = await worker.fetch(new Request("http://w/api/objects/T/k", { method: "PUT", body: "1", headers: { Authorization: "Bearer t" } }), env);
    expect(put.status).toBe(201);
    const got = await worker.fetch(new Request("http://w/api/objects/T/k", { headers: { Authorization: "Bearer t" } }), env);
    expect(got.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
    expect((await worker.fetch(new Request("http://w/api/objects/T/k"), env)).status).toBe(401);
    const other = await worker.fetch(new Request("http://w/api/objects/T/k"), { APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' } as never);
    expect(other.status).toBe(404);
  });
});

describe("Worker in workerd (Miniflare)", () => {
  let mf: MiniflareLike;
  if (!onNode) {
    beforeAll(async () => {
      mf = await startWorker({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}', API_TOKEN: "wtok" });
    }, 60_000);
    afterAll(async () => {
      await mf?.dispose();
    });
  }
  const auth = { Authorization: "Bearer wtok" };

  test.skipIf(onNode)("serves the API with a Memory store: create, conditional update, ETag, list, delete", async () => {
    const url = "http://worker.local/api/objects/Person/a%2Fb%25c";
    expect((await mf.dispatchFetch("http://worker.local/health")).status).toBe(200);
    // @objstore/objstore/worker registers the OpenAPI document (a Worker of your own imports /openapi for it).
    expect((await mf.dispatchFetch("http://worker.local/openapi.json")).status).toBe(200);
    expect((await mf.dispatchFetch(url, { method: "PUT", body: "1" })).status).toBe(401);
    const created = await mf.dispatchFetch(url, { method: "PUT", body: '{"name":"Ann"}', headers: auth });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
    expect((await mf.dispatchFetch(url, { method: "PUT", body: "2", headers: { ...auth, "If-Match": '"7"' } })).status).toBe(412);
    const updated = await mf.dispatchFetch(url, { method: "PUT", body: '{"name":"Ann","age":3}', headers: { ...auth, "If-Match": created.headers.get("etag")! } });
    expect(updated.headers.get("etag")).toMatch(/^"2\.[0-9a-z]+"$/);
    const got = await mf.dispatchFetch(url, { headers: auth });
    expect(await got.json()).toMatchObject({ key: "a/b%c", value: { name: "Ann", age: 3 }, version: "2" });
    expect((await mf.dispatchFetch(url, { headers: { ...auth, "If-None-Match": updated.headers.get("etag")! } })).status).toBe(304);
    const page = await (await mf.dispatchFetch("http://worker.local/api/objects/Person?pagesize=5&sort=age:desc", { headers: auth })).json() as { pagination: unknown };
    expect(page.pagination).toEqual({ offset: 0, pagesize: 5, total: 1 });
    expect((await mf.dispatchFetch(url, { method: "DELETE", headers: auth })).status).toBe(204);
    expect((await mf.dispatchFetch(url, { headers: auth })).status).toBe(404);
  });

  test.skipIf(onNode)("a Remote store can use the Worker as its server (transactions, cursors)", async () => {
    const fetchViaWorker = ((input: string | URL | Request, init?: RequestInit) =>
      mf.dispatchFetch(String(input instanceof Request ? input.url : input), init)) as typeof fetch;
    const remote = createObjectStoreInstance({ Type: "Remote", url: "http://worker.local", token: "wtok" }, { fetch: fetchViaWorker });
    await remote.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) await tx.save("Item", `k${i}`, { i });
      await tx.save("Item", "k0", { i: 100 }, "1");
    });
    expect(await remote.get("Item", "k0")).toMatchObject({ value: { i: 100 }, version: "2" });
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await remote.page("Item", { sort: "i:desc", pagesize: 5, ...(cursor ? { cursor } : {}) });
      keys.push(...p.result.map((o) => o.key));
      cursor = p.next;
    } while (cursor);
    expect(keys).toEqual(["k0", "k11", "k10", "k9", "k8", "k7", "k6", "k5", "k4", "k3", "k2", "k1"]);
    await remote.truncate("Item");
    expect(await remote.types()).toEqual(["Person"].filter(() => false));
  });

  test.skipIf(onNode)("a bad config binding is a JSON error naming the problem, without secrets", async () => {
    const bad = await startWorker({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Nope","token":"hidden-secret"}' });
    try {
      const res = await bad.dispatchFetch("http://worker.local/api/types");
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe("INVALID_CONFIG");
      expect(text).not.toContain("hidden-secret");
    } finally {
      await bad.dispose();
    }
  }, 60_000);
});

describe("Worker in workerd with DynamoDB Local on loopback", () => {
  const local: DynamoDBLocalHandle | undefined = onNode ? undefined : useDynamoDBLocal();
  test.skipIf(onNode || !local?.ready)("serves the API with a DynamoDB store", async () => {
    const mf = await startWorker({ APIAPP_OBJECTSTORECONFIG: JSON.stringify(dynamoConfig(local!.endpoint())) });
    try {
      const url = "http://worker.local/api/objects/Order/o%2F1";
      const created = await mf.dispatchFetch(url, { method: "PUT", body: '{"total":5}' });
      expect([created.status, await created.text()]).toMatchObject([201, expect.any(String)]);
      expect((await mf.dispatchFetch(url, { method: "PUT", body: '{"total":6}' })).status).toBe(409);
      expect((await mf.dispatchFetch(url, { method: "PUT", body: '{"total":6}', headers: { "If-Match": '"1"' } })).status).toBe(200);
      const tx = await mf.dispatchFetch("http://worker.local/api/transactions", {
        method: "POST",
        body: JSON.stringify({ writes: [{ op: "save", type: "Order", key: "o/2", value: { total: 1 } }, { op: "remove", type: "Order", key: "o/1", version: "2" }] }),
      });
      expect(tx.status).toBe(200);
      const page = await (await mf.dispatchFetch("http://worker.local/api/objects/Order")).json() as { result: { key: string }[] };
      expect(page.result.map((o) => o.key)).toEqual(["o/2"]);
    } finally {
      await mf.dispose();
    }
  }, 90_000);
});

describe("Worker in workerd with libSQL over HTTP on loopback", () => {
  // test/hrana's Hrana-over-HTTP server backed by a real libSQL file (no sqld can be installed
  // here); the Worker's store uses @libsql/client/web, as it would against Turso or sqld.
  let hrana: HranaServer | undefined;
  let dir = "";
  if (!onNode) {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "objstore-worker-hrana-"));
      hrana = await startHranaServer({ path: join(dir, "db.sqlite"), authToken: "hrana-token" });
    });
    afterAll(async () => {
      await hrana?.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  test.skipIf(onNode)("serves the API with a libSQL store, data persisting across Worker instances", async () => {
    const bindings = { APIAPP_OBJECTSTORECONFIG: JSON.stringify({ Type: "LibSQL", url: hrana!.url, authToken: "hrana-token", objectPrefix: "w" }) };
    const first = await startWorker(bindings);
    try {
      const url = "http://worker.local/api/objects/Note/n%2F1";
      expect((await first.dispatchFetch(url, { method: "PUT", body: '{"text":"hello"}' })).status).toBe(201);
      expect((await first.dispatchFetch(url, { method: "PUT", body: '{"text":"again"}' })).status).toBe(409);
      const tx = await first.dispatchFetch("http://worker.local/api/transactions", {
        method: "POST",
        body: JSON.stringify({ writes: [{ op: "save", type: "Note", key: "n/2", value: { text: "two" } }, { op: "save", type: "Note", key: "n/1", value: { text: "x" }, version: "9" }] }),
      });
      expect(tx.status).toBe(412);
    } finally {
      await first.dispose();
    }
    const second = await startWorker(bindings);
    try {
      const page = await (await second.dispatchFetch("http://worker.local/api/objects/Note?query=HELLO")).json() as { pagination: { total: number }; result: { key: string; version: string }[] };
      expect(page.pagination.total).toBe(1);
      expect(page.result.map((o) => [o.key, o.version])).toEqual([["n/1", "1"]]);
      expect((await second.dispatchFetch("http://worker.local/api/objects/Note/n%2F2")).status).toBe(404);
    } finally {
      await second.dispose();
    }
  }, 90_000);
});
