/**
 * The HTTP listener for Node, through `@hono/node-server` (Hono's Node adapter: streamed bodies
 * with backpressure, `request.signal` aborted when the client goes away), plus the one thing it
 * leaves to Node: what happens when bytes that are not HTTP follow a request on a connection.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { LISTENER, type ListenerHooks } from "../../src/http/request.ts";
import { importPeer } from "../../src/optional-peer.ts";
import type { Handler, Listen } from "./common.ts";

function nodeServer(): Promise<typeof import("@hono/node-server")> {
  return importPeer(() => import("@hono/node-server"), "@hono/node-server", "serve() on Node");
}

/** Listens with `@hono/node-server`; `close` stops listening and ends every open connection. */
export const nodeListen: Listen = async (handler, { port, hostname }) => {
  const { createAdaptorServer } = await nodeServer();
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch: nodeFetch(handler), hostname }) as Server;
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
 * The fetch callback `nodeListen` gives `@hono/node-server`: `handler`, with the listener's
 * {@link ListenerHooks} on each request (bench/http-handler.ts drives it too).
 */
export function nodeFetch(handler: Handler): (request: Request, env: unknown) => Response | Promise<Response> {
  return (request, env) => {
    const { incoming, outgoing } = env as { incoming: IncomingMessage; outgoing: ServerResponse };
    (request as Request & { [LISTENER]?: ListenerHooks })[LISTENER] = new NodeHooks(incoming, outgoing);
    return handler(request);
  };
}

/** One request's hooks (one object, no closures: they are made for every request). HTTP/1 only: this server makes no HTTP/2. */
class NodeHooks implements ListenerHooks {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
  constructor(incoming: IncomingMessage, outgoing: ServerResponse) {
    this.incoming = incoming;
    this.outgoing = outgoing;
  }

  /** What @hono/node-server's signal would say (aborted once the response closed unfinished or the request errored), without making the signal. */
  gone(): boolean {
    return Boolean(this.incoming.errored) || (this.outgoing.destroyed && !this.outgoing.writableFinished);
  }

  /**
   * The body as the socket delivered it: its one chunk as is (a small body), else the chunks
   * joined. Like @hono/node-server's own read, a body that arrived whole is still returned
   * when the client went away before the stream ended; otherwise the stream's error.
   */
  bytes(): Promise<Uint8Array> {
    const incoming = this.incoming;
    if (incoming.readableDidRead) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      // The listeners stay on this one-use stream (a second settle is a no-op), and are
      // anonymous: tsx names every named closure it makes, per request, at a cost.
      incoming.on("data", (chunk: Buffer) => void chunks.push(chunk));
      incoming.on("end", () => resolve(joined(chunks)));
      incoming.on("error", (error: Error) => cut(incoming, chunks, error, resolve, reject));
      incoming.on("close", () => (incoming.readableEnded ? resolve(joined(chunks)) : cut(incoming, chunks, undefined, resolve, reject)));
      // Gone before the app asked: no event comes any more.
      if (incoming.destroyed) cut(incoming, chunks, undefined, resolve, reject);
    });
  }
}

function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** A body stream cut short: what it holds when the parser had the whole body, else its error. */
function cut(incoming: IncomingMessage, chunks: Buffer[], error: Error | undefined, resolve: (body: Buffer) => void, reject: (error: Error) => void): void {
  if (!incoming.complete) return reject(incoming.errored ?? error ?? new Error("Client connection prematurely closed."));
  for (let chunk: Buffer | null; (chunk = incoming.read() as Buffer | null) !== null;) chunks.push(chunk);
  resolve(joined(chunks));
}

/**
 * Node's default answer to a parse error is a 400 and an immediate close, which drops the
 * response of a request still in flight on that connection (its write applied, the client
 * told only 400). Here the response in flight goes out first, then the 400, then the close;
 * at once when the request in flight is the one whose body broke off.
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
  // A request in flight whose body was cut off (the client ended the connection in the middle)
  // can never be answered: waiting for it would hold the connection, and the app waiting for
  // the rest of the body, for ever.
  if (inFlight && !inFlight.writableFinished && inFlight.req.complete) {
    inFlight.once("finish", reply);
    inFlight.once("close", () => setTimeout(reply, 0));
  } else reply();
}
