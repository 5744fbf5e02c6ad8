/**
 * The HTTP listener for Bun (`Bun.serve`).
 *
 * @module
 */
import type { Handler, Listen } from "./common.ts";

declare function setImmediate(callback: (value: unknown) => void): unknown;

/** The part of Bun's global this file uses (typed here so Deno and tsc check it without @types/bun). */
interface BunServe {
  serve(options: { port: number; hostname: string; fetch: Handler; error(error: unknown): Response }): {
    port?: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

/**
 * Bun closes a connection at once when malformed bytes follow a request on it, even while that
 * request's response is pending (the client then hears only 400), and it aborts the request's
 * signal one turn of the event loop later. A request that may write therefore waits that turn
 * before the app runs, so the app sees the abort and applies nothing (`checkConnected`).
 */
function awaitingClose(handler: Handler): Handler {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") await new Promise((resolve) => setImmediate(resolve));
    return handler(request);
  };
}

/**
 * Listens with `Bun.serve`; `close` stops at once, ending open connections.
 *
 * @example
 * ```ts
 * const { port, close } = await bunListen((request) => new Response("hi"), { port: 0, hostname: "127.0.0.1" });
 * ```
 */
export const bunListen: Listen = async (handler, { port, hostname }) => {
  const bun = (globalThis as unknown as { Bun: BunServe }).Bun;
  const server = bun.serve({
    port,
    hostname,
    fetch: awaitingClose(handler),
    error: () => Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } }, { status: 500 }),
  });
  return { port: server.port ?? port, close: async () => await server.stop(true) };
};
