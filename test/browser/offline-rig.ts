/**
 * The Chromium rig of the offline tests and benchmarks: builds examples/offline (its own
 * build script, as a user runs it), serves the page from one Bun server and the objstore API
 * from another that can be stopped and started again on the same port, and drives Chromium.
 * Bun only (Bun.serve).
 * @module
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { type ApiTraffic, launchChromium, servePages, startStoppableApi, type StoppableApi } from "../support/chromium-rig.ts";

export type { ApiTraffic };

const ROOT = join(import.meta.dir, "..", "..");
const PUBLIC = join(ROOT, "examples", "offline", "public");

export interface OfflineRig extends Omit<StoppableApi, "close"> {
  context: BrowserContext;
  /** Opens the notes page (its own tab). */
  openPage(db?: string): Promise<Page>;
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the example and starts both servers and Chromium. */
export async function startOfflineRig(): Promise<OfflineRig> {
  const built = spawnSync("node", [join(ROOT, "examples", "offline", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`examples/offline/build.mjs failed: ${built.stderr}`);
  const pages = servePages({
    "/": [readFileSync(join(PUBLIC, "index.html")), "text/html; charset=utf-8"],
    "/app.js": [readFileSync(join(PUBLIC, "app.js")), "text/javascript; charset=utf-8"],
  });
  const api = startStoppableApi(pages.origin);
  const chromium = await launchChromium("objstore-offline-");
  return {
    server: api.server,
    api: api.api,
    traffic: api.traffic,
    resetTraffic: api.resetTraffic,
    stopApi: api.stopApi,
    startApi: api.startApi,
    context: chromium.context,
    async openPage(db = "objstore-notes") {
      const page = await chromium.open(`${pages.origin}/?api=${encodeURIComponent(api.api)}&db=${encodeURIComponent(db)}`);
      await page.waitForFunction(() => "notes" in globalThis, undefined, { timeout: 30_000 });
      return page;
    },
    pageErrors: chromium.pageErrors,
    async close() {
      await chromium.close();
      await api.close();
      await pages.stop();
    },
  };
}
