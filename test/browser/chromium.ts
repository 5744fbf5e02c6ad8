/**
 * Serves the browser test bundle from 127.0.0.1 on a free port and drives Debian's Chromium
 * with playwright-core (never a downloaded browser), in a fresh profile. Bun only (Bun.build,
 * Bun.serve): see test/indexeddb-chromium.test.ts for why.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildBrowserBundle, PAGE_HTML } from "./build.ts";

/** Debian's chromium package (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, sandbox-less (containers run as root), and no traffic to anything but our server. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running browser with the test page loaded. */
export interface BrowserSession {
  context: BrowserContext;
  /** The page the browser suite runs in. */
  page: Page;
  /** The page's origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** Opens another page (its own IndexedDB connections) with the bundle loaded. */
  newPage(): Promise<Page>;
  /** Errors the pages reported outside tests (uncaught exceptions). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the bundle, serves it, launches Chromium and loads the page. */
export async function startBrowserSession(): Promise<BrowserSession> {
  const dir = mkdtempSync(join(tmpdir(), "objstore-chromium-"));
  const cleanups: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep cleaning up
      }
    }
  };
  try {
    const script = readFileSync(await buildBrowserBundle(join(dir, "bundle")));
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === "/") return new Response(PAGE_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
        if (path === "/objstore-tests.js") return new Response(script, { headers: { "content-type": "text/javascript; charset=utf-8" } });
        return new Response("not found", { status: 404 });
      },
    });
    cleanups.push(() => server.stop(true));
    const origin = `http://127.0.0.1:${server.port}`;
    const context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => context.close());
    const pageErrors: string[] = [];
    const newPage = async () => {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
      await page.goto(`${origin}/`);
      try {
        await page.waitForFunction(() => "objstoreTests" in globalThis, undefined, { timeout: 30_000 });
      } catch (error) {
        throw new Error(`the test bundle did not load: ${pageErrors.join("; ") || String(error)}`);
      }
      return page;
    };
    const page = await newPage();
    return { context, page, origin, newPage, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
