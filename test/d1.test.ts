// The D1 driver on Cloudflare's own D1 (workerd through Miniflare): the conformance suite drives
// a D1 binding that Miniflare hands to this process (every statement runs in workerd's D1), and
// a Worker bundle serving the HTTP API over `{"Type":"D1","binding":"DB"}` runs as two Worker
// instances on one database: data written through one is read through the other, and concurrent
// increments through both end exact.
//
// Runs on Bun and Deno only: the installed miniflare 4 needs Node >= 22 (its engines field; it
// fails to load on Node 20, which the Node leg runs).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, ObjectStoreError } from "../mod.ts";
import type { D1DatabaseLike } from "../src/drivers/d1/driver.ts";
import { conformance, expectError } from "./conformance/mod.ts";

const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUN = join(ROOT, ".tools", "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");

// deno-lint-ignore no-explicit-any
type MiniflareLike = { dispatchFetch(url: string, init?: any): Promise<Response>; dispose(): Promise<void>; ready: Promise<unknown>; getD1Database(name: string): Promise<D1DatabaseLike> };

if (onNode) {
  test.skip("D1 in workerd (skipped on Node 20: miniflare 4 needs Node >= 22)", () => {});
} else {
  let mf: MiniflareLike;
  let db: D1DatabaseLike;
  let n = 0;
  beforeAll(async () => {
    const { Miniflare } = await import("miniflare");
    mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response('ok'); } }", compatibilityDate: "2025-01-01", d1Databases: { DB: "conformance" } }) as unknown as MiniflareLike;
    await mf.ready;
    db = await mf.getD1Database("DB");
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  // Each store gets its own table prefix in the one database: empty and isolated.
  conformance("D1 (Miniflare)", (options) => createObjectStoreInstance({ Type: "D1", binding: "DB", objectPrefix: `t${++n}` }, { ...options, d1: () => db }), {
    differentialOperations: 500,
    slowTimeout: 120_000,
  });

  describe("D1 specifics", () => {
    test("limits: more than 500 writes is TRANSACTION_TOO_LARGE, a 2 MB row INVALID_VALUE; 100 parameters per statement hold", async () => {
      const store = createObjectStoreInstance({ Type: "D1", objectPrefix: "limits" }, { d1: db });
      await expectError(store.transaction(async (tx) => {
        for (let i = 0; i < 501; i++) await tx.save("T", `k${i}`, i);
      }), ObjectStoreError, "TRANSACTION_TOO_LARGE");
      await expectError(store.save("T", "big", "x".repeat(2_000_001)), ObjectStoreError, "INVALID_VALUE");
      // 200 puts in one batch: 9 to a statement, each under D1's 100 bound parameters.
      await store.transaction(async (tx) => {
        for (let i = 0; i < 200; i++) await tx.save("T", `k${i}`, { i, text: "é" });
      });
      expect((await store.page("T", { pagesize: 0 })).pagination.total).toBe(200);
      await expectError(store.transaction(async (tx) => {
        await tx.save("T", "new", 1);
        await tx.save("T", "k150", 2); // exists: the whole batch is rolled back
      }).catch((e) => { throw e; }), ObjectStoreError, ["OBJECT_EXISTS", "WRONG_OBJECT_VERSION"]);
      expect(await store.get("T", "new")).toBeUndefined();
      await store.close();
    });

    test("without a binding it is UNSUPPORTED naming the Worker entry point", () => {
      try {
        createObjectStoreInstance({ Type: "D1" });
        throw new Error("expected UNSUPPORTED");
      } catch (error) {
        expect((error as ObjectStoreError).code).toBe("UNSUPPORTED");
        expect((error as Error).message).toContain("@objstore/objstore/worker");
      }
    });
  });

  describe("D1 from a Worker (two instances, one database)", () => {
    let workers: MiniflareLike;
    beforeAll(async () => {
      const dir = join(ROOT, ".cache", "worker");
      mkdirSync(dir, { recursive: true });
      const script = join(dir, `worker-d1-${"Bun" in globalThis ? "bun" : "deno"}-${process.pid}.js`);
      const built = spawnSync(BUN, ["build", join(ROOT, "adapters", "worker.ts"), "--target=browser", "--format=esm", `--outfile=${script}`], { encoding: "utf8" });
      if (built.status !== 0) throw new Error(`bun build failed: ${built.stderr}`);
      const { Miniflare } = await import("miniflare");
      const config = JSON.stringify({ Type: "D1", binding: "DB" });
      const worker = (name: string) => ({ name, modules: true, scriptPath: script, compatibilityDate: "2025-01-01", d1Databases: { DB: "shared" }, bindings: { APIAPP_OBJECTSTORECONFIG: config } });
      workers = new Miniflare({ workers: [worker("one"), worker("two")] }) as unknown as MiniflareLike;
      await workers.ready;
    }, 60_000);
    afterAll(async () => {
      await workers?.dispose();
    });
    const call = async (name: string, path: string, init?: RequestInit) => {
      // deno-lint-ignore no-explicit-any
      const worker = await (workers as any).getWorker(name);
      return worker.fetch(`http://w${path}`, init) as Promise<Response>;
    };

    test("data written through one instance is read through the other; concurrent increments end exact", async () => {
      expect((await call("one", "/api/objects/Note/a", { method: "PUT", body: JSON.stringify({ text: "from one" }) })).status).toBe(201);
      const got = await call("two", "/api/objects/Note/a");
      expect(got.status).toBe(200);
      expect(((await got.json()) as { value: unknown }).value).toEqual({ text: "from one" });
      expect((await call("one", "/api/objects/Counter/c", { method: "PUT", body: "0" })).status).toBe(201);
      const increment = async (name: string) => {
        for (let done = 0; done < 20;) {
          const current = await call(name, "/api/objects/Counter/c");
          const etag = current.headers.get("etag")!;
          const { value } = (await current.json()) as { value: number };
          const put = await call(name, "/api/objects/Counter/c", { method: "PUT", body: String(value + 1), headers: { "If-Match": etag } });
          await put.body?.cancel();
          if (put.status === 200) done++;
          else expect(put.status).toBe(412);
        }
      };
      await Promise.all([increment("one"), increment("two"), increment("one"), increment("two")]);
      const final = await call("two", "/api/objects/Counter/c");
      expect(((await final.json()) as { value: number }).value).toBe(80);
    }, 120_000);
  });
}
