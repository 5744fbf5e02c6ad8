/**
 * Pieces of the Chromium rigs that drive a page against a live objstore API: a static page
 * server, an API server (over a Memory store) that can be stopped and started again on the same
 * port and counts its traffic, and Debian's Chromium in a fresh persistent profile. Every server
 * listens on 127.0.0.1 on a free port. Bun only (Bun.serve).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createObjectStoreInstance, type ObjectStore } from "../../mod.ts";
import { createApp } from "../../src/http/app.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../browser/chromium.ts";

/** A page server: `files` by path, each `[body, content type]`. */
export interface PageServer {
  origin: string;
  stop(): Promise<void>;
}

/** Serves `files` (path → body and content type) on 127.0.0.1. */
export function servePages(files: Record<string, [Uint8Array | string, string]>): PageServer {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const file = files[new URL(request.url).pathname];
      return file ? new Response(file[0], { headers: { "content-type": file[1] } }) : new Response("not found", { status: 404 });
    },
  });
  return { origin: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/** What crossed the API server since the last `resetTraffic()`. */
export interface ApiTraffic {
  requests: number;
  /** `POST /api/transactions` requests (commits). */
  commits: number;
  /** Response body bytes. */
  bytes: number;
  byPath: Record<string, number>;
}

/** An objstore API over a Memory store, for pages of `origin`. */
export interface StoppableApi {
  /** The server's store (Main): read and write it directly as another client would. */
  server: ObjectStore;
  /** `http://127.0.0.1:<port>`; the port stays the same across stop and start. */
  api: string;
  traffic: ApiTraffic;
  resetTraffic(): void;
  stopApi(): Promise<void>;
  startApi(): void;
  close(): Promise<void>;
}

/** Starts the API (CORS open to `origin`). */
export function startStoppableApi(origin: string): StoppableApi {
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
  return {
    server,
    api: `http://127.0.0.1:${port}`,
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
    async close() {
      await apiServer?.stop(true);
      apiServer = undefined;
      await server.close();
    },
  };
}

/** Chromium in a fresh profile directory (removed by `close()`). */
export interface ChromiumProfile {
  context: BrowserContext;
  /** Opens `url` in a new tab, collecting its uncaught errors in `pageErrors`. */
  open(url: string): Promise<Page>;
  pageErrors: string[];
  close(): Promise<void>;
}

/** Launches /usr/bin/chromium headless with a persistent profile (IndexedDB survives reloads). */
export async function launchChromium(prefix = "objstore-chromium-"): Promise<ChromiumProfile> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  return {
    context,
    pageErrors,
    async open(url) {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
