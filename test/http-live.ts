/**
 * Test helper: a live HTTP server on 127.0.0.1 (a free port) with the listener of the runtime
 * running the test, serving a handler or many isolated stores under `/s/<n>`.
 *
 * @module
 */
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { bunListen } from "../adapters/serve/bun.ts";
import { type Handler, type Listen, type RunningServer, serveWith } from "../adapters/serve/common.ts";
import { denoListen } from "../adapters/serve/deno.ts";
import { nodeListen } from "../adapters/serve/node.ts";
import { type AppOptions, createApp } from "../src/http/app.ts";

/** The listener of the runtime running this code. */
export function runtimeListen(): Listen {
  if ("Bun" in globalThis) return bunListen;
  if ("Deno" in globalThis) return denoListen;
  return nodeListen;
}

/** Serves `handler` on 127.0.0.1 at a free port, without request logs. */
export function serveHandler(handler: Handler): Promise<RunningServer> {
  return serveWith({ listen: runtimeListen(), createFromEnv: () => createObjectStoreInstance() }, { handler, port: 0, log: false });
}

/**
 * One live server hosting many isolated stores (Memory unless `makeStore` says otherwise):
 * `/s/<n>/api/...` is store n's API.
 * `url(options)` hands out the base URL of a fresh store; its `now` is the server's clock (the
 * server sets the stamps of record-level writes), `app` more createApp options.
 */
export async function multiStoreServer(
  makeStore: () => ObjectStore = () => createObjectStoreInstance({ Type: "Memory" }),
): Promise<{ url(options?: { now?: () => Date; app?: AppOptions }): string; close(): Promise<void>; stores: Map<string, ObjectStore> }> {
  const apps = new Map<string, ReturnType<typeof createApp>>();
  const stores = new Map<string, ObjectStore>();
  let next = 0;
  const server = await serveHandler((request) => {
    const match = /^([a-z]+:\/\/[^/]+)\/s\/(\d+)(\/.*)$/i.exec(request.url);
    const app = match && apps.get(match[2]!);
    if (!match || !app) return new Response("no such store", { status: 404 });
    const init: RequestInit & { duplex?: string } = { method: request.method, headers: request.headers, body: request.body, duplex: "half" };
    return app.fetch(new Request(match[1]! + match[3]!, init));
  });
  return {
    stores,
    url(options = {}) {
      const id = String(++next);
      const store = makeStore();
      stores.set(id, store);
      apps.set(id, createApp(store, { now: options.now, ...options.app }));
      return `${server.url}/s/${id}`;
    },
    close: server.close,
  };
}
