// The examples run as a user would run them: the Worker answers requests, the Hono app serves
// the store under /store, the migration script copies a SimpleFileStore folder into a libSQL file
// and verifies it, and the browser page keeps its notes in Chromium's IndexedDB across a reload.
// (examples/deno-kv.ts, the Deno Deploy app, has its own test: test/example-deno-kv.test.ts.)
import "../src/drivers/register/all.ts";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createObjectStoreInstance } from "../adapters/node.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "objstore-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = { "content-type": "application/json" };

describe("examples", () => {
  test("worker.ts: a Worker serving the API over Memory", async () => {
    const worker = (await import("../examples/worker.ts")).default;
    const put = await worker.fetch(new Request("http://w/api/objects/Note/n1", { method: "PUT", headers: json, body: '{"text":"hi"}' }), {});
    expect(put.status).toBe(201);
    const got = await worker.fetch(new Request("http://w/api/objects/Note/n1"), {});
    expect((await got.json()).value).toEqual({ text: "hi" });
  });

  test("hono-mount.ts: the API under /store of your own Hono app", async () => {
    const { app } = await import("../examples/hono-mount.ts");
    expect(await (await app.request("/")).text()).toBe("my app");
    const put = await app.request("/store/api/objects/Note/n1", { method: "PUT", headers: json, body: '{"text":"hi"}' });
    expect(put.status).toBe(201);
    expect((await (await app.request("/store/api/objects/Note/n1")).json()).value).toEqual({ text: "hi" });
  });

  test("migrate.ts: a SimpleFileStore folder into a libSQL file, verified", async () => {
    const from = { Type: "SimpleFileStore" as const, BaseLocation: join(dir, "old") };
    const to = { Type: "LibSQL" as const, url: `file:${join(dir, "new.db")}` };
    mkdirSync(from.BaseLocation);
    const seed = createObjectStoreInstance(from);
    for (let i = 0; i < 25; i++) await seed.save("Person", `p${i}`, { n: i });
    await seed.save("Note", "a", { text: "x" });
    await seed.close();
    const { migrateStores } = await import("../examples/migrate.ts");
    expect(await migrateStores(from, to)).toEqual({ copied: 26, differences: 0 });
    const copy = createObjectStoreInstance(to);
    expect((await copy.get("Person", "p7"))?.value).toEqual({ n: 7 });
    await copy.close();
    expect(await migrateStores(from, to)).toEqual({ copied: 0, differences: 0 }); // again: nothing newer to copy
  });

  const chromium = "/usr/bin/chromium";
  const isNode = !("Bun" in globalThis) && !("Deno" in globalThis);
  // Once (under Node), and only where Chromium is installed (.ci/run installs it).
  test.skipIf(!isNode || !existsSync(chromium))("browser.html: notes in IndexedDB survive a reload", async () => {
    const { build } = await import("esbuild");
    await build({ entryPoints: [join(ROOT, "examples", "browser.ts")], bundle: true, format: "esm", platform: "browser", outfile: join(dir, "browser.js"), logLevel: "silent" });
    const files: Record<string, [string, string]> = {
      "/browser.html": ["text/html", readFileSync(join(ROOT, "examples", "browser.html"), "utf8")],
      "/browser.js": ["text/javascript", readFileSync(join(dir, "browser.js"), "utf8")],
    };
    const server = createServer((request, response) => {
      const file = files[request.url ?? ""];
      response.writeHead(file ? 200 : 404, { "content-type": file?.[0] ?? "text/plain" }).end(file?.[1] ?? "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { chromium: playwright } = await import("playwright-core");
    const { CHROMIUM_ARGS } = await import("./browser/chromium.ts");
    const browser = await playwright.launchPersistentContext(join(dir, "profile"), { executablePath: chromium, args: CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/browser.html`);
      await page.waitForSelector("#notes[data-count]");
      expect(await page.getAttribute("#notes", "data-count")).toBe("1");
      await page.reload();
      await page.waitForSelector("#notes[data-count]");
      expect(await page.getAttribute("#notes", "data-count")).toBe("2");
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
