// The IndexedDB driver in a real Chromium: the whole conformance suite and the IndexedDB
// specifics (bundled by test/browser/build.ts, one runner test per browser test), plus tests
// across pages, each page being its own IndexedDB connection.
//
// Runs under Bun only: the bundle is built with Bun.build and served with Bun.serve, and one
// runtime is enough, since the code under test runs in Chromium, not in the test runtime.
// Needs Debian's /usr/bin/chromium (.ci/run installs it); skips with a message without it.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";

/** The page-side API of test/browser/entry.ts. */
interface PageApi {
  listTests(): { id: number; name: string; skip: boolean; timeout: number }[];
  runTest(id: number): Promise<{ status: "pass" | "fail" | "skip"; error?: string }>;
  pages: {
    createCounter(dbName: string): Promise<void>;
    bump(dbName: string, rounds: number): Promise<number>;
    counter(dbName: string): Promise<{ value: unknown; version: string | undefined }>;
    hold(dbName: string): Promise<void>;
    reuse(dbName: string): Promise<{ a: unknown; b: unknown }>;
    deleteDatabase(dbName: string): Promise<void>;
    fillQuota(dbName: string, size: number, most: number): Promise<{ saved: number; code?: string; cause?: string; message?: string; readBack: number }>;
  };
}
declare const objstoreTests: PageApi;

const CHROMIUM = "/usr/bin/chromium";
const isBun = "Bun" in globalThis;
const ANSI = /\u001b\[[0-9;]*m/g;

if (!isBun) {
  test.skip("IndexedDB in Chromium (skipped: runs under Bun only, see the comment at the top of this file)", () => {});
} else if (!existsSync(CHROMIUM)) {
  const missing = `${CHROMIUM} not found; install it with \`apt-get install -y chromium\`, as .ci/run does`;
  // .ci/run sets OBJSTORE_REQUIRE_CHROMIUM where it could install Chromium: there, missing is a failure.
  if (process.env.OBJSTORE_REQUIRE_CHROMIUM) {
    test("IndexedDB in Chromium", () => {
      throw new Error(missing);
    });
  } else {
    test.skip(`IndexedDB in Chromium (skipped: ${missing})`, () => {});
  }
} else {
  const { startBrowserSession } = await import("./browser/chromium.ts");
  const session = await startBrowserSession();
  afterAll(() => session.close());
  const { page } = session;
  const listed = await page.evaluate(() => objstoreTests.listTests());

  describe("Chromium", () => {
    test("the browser bundle registered the whole suite", () => {
      expect(listed.length).toBeGreaterThan(100);
      expect(listed.some((t) => t.name.startsWith("IndexedDB (Chromium) > differential"))).toBe(true);
    });

    // First, before any IndexedDB use on this origin: Chromium reads the origin's quota when it
    // opens the origin's IndexedDB storage, so a later override would not apply.
    test("the origin's quota running out is BACKEND_ERROR with QuotaExceededError as the cause; nothing half-written", async () => {
      const cdp = await session.context.newCDPSession(page);
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: session.origin, quotaSize: 4 * 1024 * 1024 });
      try {
        const result = await page.evaluate(([db, size, most]) => objstoreTests.pages.fillQuota(db, size, most), ["quota", 512 * 1024, 64] as const);
        expect(result.code).toBe("BACKEND_ERROR");
        expect(result.cause).toBe("QuotaExceededError");
        expect(result.message).toContain("quota");
        expect(result.saved).toBeGreaterThan(0);
        expect(result.readBack).toBe(result.saved);
      } finally {
        await page.evaluate((db) => objstoreTests.pages.deleteDatabase(db), "quota");
        await cdp.send("Storage.overrideQuotaForOrigin", { origin: session.origin });
        await cdp.detach();
      }
    });

    for (const t of listed) {
      // Skipped in the browser, with the reason in the browser-side code (test/browser/entry.ts).
      const register = t.skip ? test.skip : test;
      register(t.name, async () => {
        const outcome = await page.evaluate((id) => objstoreTests.runTest(id), t.id);
        if (outcome.status === "fail") throw new Error(`in Chromium: ${(outcome.error ?? "").replace(ANSI, "")}`);
        expect(outcome.status).toBe("pass");
      }, t.timeout + 10_000);
    }

    test("two pages (two connections) updating one counter concurrently end exact", async () => {
      const other = await session.newPage();
      const dbName = "two-pages-counter";
      const rounds = 100;
      await page.evaluate((db) => objstoreTests.pages.createCounter(db), dbName);
      const retries = await Promise.all([page, other].map((p) => p.evaluate(([db, n]) => objstoreTests.pages.bump(db, n), [dbName, rounds] as const)));
      const seen = await other.evaluate((db) => objstoreTests.pages.counter(db), dbName);
      expect(seen).toEqual({ value: 2 * rounds, version: String(2 * rounds + 1) });
      console.log(`two pages, ${rounds} updates each: ${retries[0]} + ${retries[1]} conflicts retried`);
      await other.close();
    }, 120_000);

    test("a page deleting the database is not blocked by another page's open store, which reopens", async () => {
      const other = await session.newPage();
      const dbName = "deleted-by-another-page";
      await page.evaluate((db) => objstoreTests.pages.hold(db), dbName);
      await other.evaluate((db) => objstoreTests.pages.deleteDatabase(db), dbName);
      expect(await page.evaluate((db) => objstoreTests.pages.reuse(db), dbName)).toEqual({ b: "after" });
      await other.close();
    });

    test("no uncaught errors in the pages", () => {
      expect(session.pageErrors).toEqual([]);
    });
  });
}
