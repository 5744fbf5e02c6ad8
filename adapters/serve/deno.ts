/**
 * The HTTP listener for Deno (`Deno.serve`).
 *
 * @module
 */
import type { Listen } from "./common.ts";

interface DenoServer {
  addr: { port: number };
  shutdown(): Promise<void>;
  finished: Promise<void>;
}
declare const Deno: {
  serve(options: Record<string, unknown>, handler: (request: Request) => Response | Promise<Response>): DenoServer;
};

/** Listens with `Deno.serve`; `close` shuts down and waits for the server to finish. */
export const denoListen: Listen = async (handler, { port, hostname }) => {
  const server = Deno.serve({
    port,
    hostname,
    onListen: () => {},
    onError: () => Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } }, { status: 500 }),
  }, handler);
  return {
    port: server.addr.port,
    close: async () => {
      await server.shutdown();
      await server.finished;
    },
  };
};
