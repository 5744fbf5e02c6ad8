/**
 * The HTTP listener for Bun (`Bun.serve`).
 *
 * @module
 */
import type { Listen } from "./common.ts";

/** Listens with `Bun.serve`; `close` stops at once, ending open connections. */
export const bunListen: Listen = async (handler, { port, hostname }) => {
  const server = Bun.serve({
    port,
    hostname,
    fetch: handler,
    error: () => Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } }, { status: 500 }),
  });
  return { port: server.port ?? port, close: () => server.stop(true) };
};
