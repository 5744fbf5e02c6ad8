// examples/worker-d1 as a user deploys it: the Worker bundled as wrangler bundles it, run in
// workerd (Miniflare) with the D1 binding and the vars of its wrangler.toml.
// Runs on Bun and Deno only: the installed miniflare 4 needs Node >= 22.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUN = join(ROOT, ".tools", "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
const EXAMPLE = join(ROOT, "examples", "worker-d1");

if (onNode) {
  test.skip("examples/worker-d1 (skipped on Node 20: miniflare 4 needs Node >= 22)", () => {});
} else {
  // deno-lint-ignore no-explicit-any
  let mf: any;
  beforeAll(async () => {
    const toml = readFileSync(join(EXAMPLE, "wrangler.toml"), "utf8");
    const binding = /binding\s*=\s*"([^"]+)"/.exec(toml)![1]!;
    const config = /APIAPP_OBJECTSTORECONFIG\s*=\s*'([^']+)'/.exec(toml)![1]!;
    const dir = join(ROOT, ".cache", "worker");
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `example-d1-${process.pid}.js`);
    const built = spawnSync(BUN, ["build", join(EXAMPLE, "worker.ts"), "--target=browser", "--format=esm", `--outfile=${script}`], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`bun build failed: ${built.stderr}`);
    const { Miniflare } = await import("miniflare");
    mf = new Miniflare({ modules: true, scriptPath: script, compatibilityDate: "2025-01-01", d1Databases: { [binding]: "example" }, bindings: { APIAPP_OBJECTSTORECONFIG: config } });
    await mf.ready;
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  test("examples/worker-d1 serves the API over D1: create, read, list", async () => {
    const put = await mf.dispatchFetch("http://w/api/objects/Note/first", { method: "PUT", body: JSON.stringify({ text: "hello" }) });
    expect(put.status).toBe(201);
    const got = await mf.dispatchFetch("http://w/api/objects/Note/first");
    expect(((await got.json()) as { value: unknown }).value).toEqual({ text: "hello" });
    const list = await mf.dispatchFetch("http://w/api/objects/Note");
    expect(((await list.json()) as { pagination: { total: number } }).pagination.total).toBe(1);
  }, 60_000);
}
