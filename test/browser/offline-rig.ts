/**
 * The Chromium rig of the offline tests and benchmarks: builds examples/offline (its own
 * build script, as a user runs it), serves the page from one Bun server and the objstore API
 * from another that can be stopped and started again on the same port, and drives Chromium.
 * Bun only (Bun.serve).
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createObjectStoreInstance, type ObjectStore } from "../../mod.ts";
import { createApp } from "../../src/http/app.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.ts";

const ROOT = join(import.meta.dir, "..", "..");
const PUBLIC = join(ROOT, "examples", "offline", "public");

/** What crossed the API server since the last `reset()`. */
export interface ApiTraffic {
  requests: number;
  /** `POST /api/transactions` requests (commits). */
  commits: number;
  /** Response body bytes. */
  bytes: number;
  byPath: Record<string, number>;
}

export interface OfflineRig {
  /** The server's store (Main): read and write it directly as another client would. */
  server: ObjectStore;
  api: string;
  traffic: ApiTraffic;
  resetTraffic(): void;
  stopApi(): Promise<void>;
  startApi(): void;
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
  const files: Record<string, [Uint8Array, string]> = {
    "/": [readFileSync(join(PUBLIC, "index.html")), "text/html; charset=utf-8"],
    "/app.js": [readFileSync(join(PUBLIC, "app.js")), "text/javascript; charset=utf-8"],
  };
  const pageServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const file = files[new URL(request.url).pathname];
      return file ? new Response(file[0], { headers: { "content-type": file[1] } }) : new Response("not found", { status: 404 });
    },
  });
  const origin = `http://127.0.0.1:${pageServer.port}`;

  const server = createObjectStoreInstance();
  const app = createApp(server, { cors: origin, bodyLimit: 16 * 1024 * 1024 });
  const traffic: ApiTraffic = { requests: 0, commits: 0, bytes: 0, byPath: {} };
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method !== "OPTIONS") {
      traffic.requests++;
      traffic.byPath[path] = (traffic.byPath[path] ?? 0) + 1;
      if (path === "/api/transactions") traffic.commits++;
    }
    const response = await app.fetch(request);
    const body = await response.arrayBuffer();
    traffic.bytes += body.byteLength;
    return new Response(body, { status: response.status, headers: response.headers });
  };
  let apiServer: ReturnType<typeof Bun.serve> | undefined = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  const port = apiServer.port;
  const api = `http://127.0.0.1:${port}`;

  const dir = mkdtempSync(join(tmpdir(), "objstore-offline-"));
  const context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  return {
    server,
    api,
    traffic,
    resetTraffic() {
      Object.assign(traffic, { requests: 0, commits: 0, bytes: 0, byPath: {} });
    },
    async stopApi() {
      await apiServer?.stop(true);
      apiServer = undefined;
    },
    startApi() {
      apiServer ??= Bun.serve({ hostname: "127.0.0.1", port, fetch });
    },
    context,
    async openPage(db = "objstore-notes") {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
      await page.goto(`${origin}/?api=${encodeURIComponent(api)}&db=${encodeURIComponent(db)}`);
      await page.waitForFunction(() => "notes" in globalThis, undefined, { timeout: 30_000 });
      return page;
    },
    pageErrors,
    async close() {
      await context.close().catch(() => {});
      await apiServer?.stop(true);
      await pageServer.stop(true);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
