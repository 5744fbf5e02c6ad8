/**
 * The HTTP listener for Bun (`Bun.serve`).
 *
 * @module
 */
import type { Handler, Listen } from "./common.ts";

/** The part of Bun's global this file uses (typed here so Deno and tsc check it without @types/bun). */
interface BunServe {
  serve(options: { port: number; hostname: string; fetch: Handler; error(error: unknown): Response }): {
    port?: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
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
    fetch: handler,
    error: () => Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } }, { status: 500 }),
  });
  return { port: server.port ?? port, close: async () => await server.stop(true) };
};
