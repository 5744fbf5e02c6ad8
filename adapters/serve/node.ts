/**
 * The HTTP listener for Node, through `@hono/node-server` (Hono's Node adapter: streamed bodies
 * with backpressure, `request.signal` aborted when the client goes away), plus the one thing it
 * leaves to Node: what happens when bytes that are not HTTP follow a request on a connection.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { CLIENT_GONE } from "../../src/http/request.ts";
import { importPeer } from "../../src/optional-peer.ts";
import type { Handler, Listen } from "./common.ts";

function nodeServer(): Promise<typeof import("@hono/node-server")> {
  return importPeer(() => import("@hono/node-server"), "@hono/node-server", "serve() on Node");
}

/** Listens with `@hono/node-server`; `close` stops listening and ends every open connection. */
export const nodeListen: Listen = async (handler, { port, hostname }) => {
  const { createAdaptorServer } = await nodeServer();
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({
      fetch: (request: Request, env: unknown) => {
        // What @hono/node-server's signal would say (aborted once the response closed unfinished
        // or the request errored), without making the signal. (HTTP/1: this server makes no HTTP/2.)
        const { incoming, outgoing } = env as { incoming: IncomingMessage; outgoing: ServerResponse };
        (request as Request & { [CLIENT_GONE]?: () => boolean })[CLIENT_GONE] = () => Boolean(incoming.errored) || (outgoing.destroyed && !outgoing.writableFinished);
        return handler(request);
      },
      hostname,
    }) as Server;
    server.on("clientError", answerMalformed);
    server.once("error", reject);
    server.listen(port, hostname, () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
};

/**
 * Node's default answer to a parse error is a 400 and an immediate close, which drops the
 * response of a request still in flight on that connection (its write applied, the client
 * told only 400). Here the response in flight goes out first, then the 400, then the close.
 */
function answerMalformed(error: Error & { code?: string }, socket: Duplex): void {
  const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = JSON.stringify({ error: { code: "BAD_REQUEST", message: "Malformed HTTP request" } });
  let replied = false;
  const reply = () => {
    if (replied) return;
    replied = true;
    if (!socket.writable || error.code === "ECONNRESET") return void socket.destroy();
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  };
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight && !inFlight.writableFinished) {
    inFlight.once("finish", reply);
    inFlight.once("close", () => setTimeout(reply, 0));
  } else reply();
}
