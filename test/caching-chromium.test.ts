// The Caching store in a real Chromium: Main is a Remote store over a live objstore API that is
// stopped, the cache is IndexedDB (test/browser/caching-page.ts, made from config). A reload
// with the server down keeps serving cached `get`s for `timeout`, then `staleIfError`, then
// fails; two tabs on one IndexedDB cache see each other's writes.
//
// Bun only (Bun.build and Bun.serve; the code under test runs in Chromium). Needs Debian's
// /usr/bin/chromium; skips with a message without it (a failure in CI).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { CacheStats } from "../mod.ts";

type Outcome<T> = { ok: T } | { error: string };
interface CacheTest {
  setSkew(ms: number): void;
  get(type: string, key: string): Promise<Outcome<{ value: unknown; version: string } | undefined>>;
  page(type: string): Promise<Outcome<{ keys: string[]; total: number }>>;
  save(type: string, key: string, value: unknown, version?: string): Promise<Outcome<string>>;
  heard(): number;
  stats(): CacheStats;
}
declare const cacheTest: CacheTest;

const CHROMIUM = "/usr/bin/chromium";
const MINUTE = 60_000;

if (!("Bun" in globalThis)) {
  test.skip("Caching over IndexedDB in Chromium (skipped: runs under Bun only, see the top of this file)", () => {});
} else if (!existsSync(CHROMIUM)) {
  const missing = `${CHROMIUM} not found; install it with \`apt-get install -y chromium\``;
  if (process.env.CI || process.env.OBJSTORE_REQUIRE_CHROMIUM) {
    test("Caching over IndexedDB in Chromium", () => {
      throw new Error(missing);
    });
  }
  else test.skip(`Caching over IndexedDB in Chromium (skipped: ${missing})`, () => {});
} else {
  const { launchChromium, servePages, startStoppableApi } = await import("./support/chromium-rig.ts");
  const out = mkdtempSync(join(tmpdir(), "objstore-caching-page-"));
  const built = await Bun.build({
    entrypoints: [join(import.meta.dir, "browser", "caching-page.ts")],
    outdir: out,
    target: "browser",
    format: "esm",
    naming: "page.js",
    // Backends this page never configures are loaded on demand only.
    external: ["@libsql/client", "@libsql/client/web"],
  });
  if (!built.success) throw new Error(`building the page failed: ${built.logs.join("\n")}`);
  const pages = servePages({
    "/": ['<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>', "text/html; charset=utf-8"],
    "/page.js": [readFileSync(join(out, "page.js")), "text/javascript; charset=utf-8"],
  });
  const api = startStoppableApi(pages.origin);
  const chromium = await launchChromium("objstore-caching-");
  afterAll(async () => {
    await chromium.close();
    await api.close();
    await pages.stop();
    rmSync(out, { recursive: true, force: true });
  });
  const open = async (db = "objstore-cache") => {
    const page = await chromium.open(`${pages.origin}/?api=${encodeURIComponent(api.api)}&db=${encodeURIComponent(db)}`);
    await page.waitForFunction(() => "cacheTest" in globalThis, undefined, { timeout: 30_000 });
    return page;
  };
  const reload = async (page: Page) => {
    await page.reload();
    await page.waitForFunction(() => "cacheTest" in globalThis, undefined, { timeout: 30_000 });
  };

  describe("Caching (Remote → IndexedDB) in Chromium", () => {
    let page: Page;

    test("online: reads go to the server once, then come from the cache", async () => {
      for (const key of ["a", "b", "c"]) await api.server.save("Note", key, { text: key });
      page = await open();
      api.resetTraffic();
      for (const key of ["a", "b", "c"]) expect(await page.evaluate((k) => cacheTest.get("Note", k), key)).toEqual({ ok: { value: { text: key }, version: "1" } });
      expect(await page.evaluate(() => cacheTest.get("Note", "a"))).toEqual({ ok: { value: { text: "a" }, version: "1" } });
      expect(await page.evaluate(() => cacheTest.page("Note"))).toEqual({ ok: { keys: ["a", "b", "c"], total: 3 } });
      expect(api.traffic.byPath["/api/objects/Note/a"]).toBe(1);
      expect(await page.evaluate(() => cacheTest.stats().types.Note)).toMatchObject({ hits: 1, misses: 3, size: 3 });
    }, 60_000);

    test("server stopped, page reloaded: cached gets are served within timeout; a page, which the cache cannot answer, fails", async () => {
      await api.stopApi();
      await reload(page);
      for (const key of ["a", "b", "c"]) expect(await page.evaluate((k) => cacheTest.get("Note", k), key)).toEqual({ ok: { value: { text: key }, version: "1" } });
      expect(await page.evaluate(() => cacheTest.stats().types.Note)).toMatchObject({ hits: 3, misses: 0, size: 3 });
      // `page` goes to Main (the cache holds some objects, not the type's listing).
      expect(await page.evaluate(() => cacheTest.page("Note"))).toEqual({ error: "BACKEND_UNAVAILABLE" });
      // A key never cached has nothing to serve.
      expect(await page.evaluate(() => cacheTest.get("Note", "never"))).toEqual({ error: "BACKEND_UNAVAILABLE" });
    }, 60_000);

    test("past timeout, staleIfError serves the older entry while the server is down, across a reload; past staleIfError the get fails", async () => {
      await page.evaluate((ms) => cacheTest.setSkew(ms), 2 * MINUTE); // timeout 1 min, staleIfError 10 min
      expect(await page.evaluate(() => cacheTest.get("Note", "a"))).toEqual({ ok: { value: { text: "a" }, version: "1" } });
      expect(await page.evaluate(() => cacheTest.stats().types.Note)).toMatchObject({ expirations: 1 });
      await reload(page);
      expect(await page.evaluate(() => cacheTest.get("Note", "b"))).toEqual({ ok: { value: { text: "b" }, version: "1" } });
      await page.evaluate((ms) => cacheTest.setSkew(ms), 11 * MINUTE);
      expect(await page.evaluate(() => cacheTest.get("Note", "c"))).toEqual({ error: "BACKEND_UNAVAILABLE" });
      await reload(page);
      expect(await page.evaluate(() => cacheTest.get("Note", "a"))).toEqual({ error: "BACKEND_UNAVAILABLE" });
      expect(await page.evaluate(() => cacheTest.stats().types.Note?.size ?? 0)).toBe(0);
      // Online again: the server answers, and the page caches afresh.
      api.startApi();
      expect(await page.evaluate(() => cacheTest.get("Note", "a"))).toEqual({ ok: { value: { text: "a" }, version: "1" } });
      await page.evaluate(() => cacheTest.setSkew(0));
    }, 60_000);

    test("two tabs on one IndexedDB cache: a write through one, and the other reads the new value", async () => {
      const one = await open("objstore-shared-cache");
      const two = await open("objstore-shared-cache");
      await api.server.save("Note", "s", { text: "v1" });
      for (const tab of [one, two]) expect(await tab.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v1" }, version: "1" } });
      expect(await two.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v1" }, version: "1" } });
      expect(await one.evaluate(() => cacheTest.save("Note", "s", { text: "v2" }, "1"))).toEqual({ ok: "2" });
      expect(await two.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v2" }, version: "2" } });
      // And again the other way, now that both have the key cached.
      expect(await one.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v2" }, version: "2" } });
      expect(await two.evaluate(() => cacheTest.save("Note", "s", { text: "v3" }, "2"))).toEqual({ ok: "3" });
      expect(await one.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v3" }, version: "3" } });
      // The server goes down after a write through one tab: the other serves that write from
      // the shared cache (it used to only drop its entry, so its get failed).
      const heard = await two.evaluate(() => cacheTest.heard());
      expect(await one.evaluate(() => cacheTest.save("Note", "s", { text: "v4" }, "3"))).toEqual({ ok: "4" });
      await api.stopApi();
      await two.waitForFunction((before) => cacheTest.heard() > before, heard, { timeout: 10_000 });
      expect(await two.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v4" }, version: "4" } });
      // A tab that reloads while the server is down serves the latest write, not an older entry.
      await reload(one);
      expect(await one.evaluate(() => cacheTest.get("Note", "s"))).toEqual({ ok: { value: { text: "v4" }, version: "4" } });
      api.startApi();
      expect(chromium.pageErrors).toEqual([]);
      await one.close();
      await two.close();
    }, 60_000);
  });
}
