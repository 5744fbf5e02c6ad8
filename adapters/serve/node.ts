/**
 * The HTTP listener for Node (`node:http`), converting between Node's messages and the
 * `Request`/`Response` the app takes; bodies stream both ways.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Handler, Listen } from "./common.ts";

const INTERNAL = JSON.stringify({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } });

/** Listens with `node:http`; `close` stops listening and ends every open connection. */
export const nodeListen: Listen = (handler, { port, hostname }) =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => void respond(handler, req, res, base));
    let base = "";
    server.once("error", reject);
    server.listen(port, hostname, () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      base = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${actual}`;
      resolve({
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });

async function respond(handler: Handler, req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
  let request: Request;
  try {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const url = (req.url ?? "/").startsWith("/") ? base + req.url : base + "/";
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      // @ts-ignore: duplex is required by Node's fetch for streamed bodies, missing from DOM types
      duplex: "half",
    });
  } catch {
    res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code: "BAD_REQUEST", message: "Malformed request" } }));
    return;
  }
  try {
    const response = await handler(request);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    res.writeHead(response.status, headers);
    if (response.body && req.method !== "HEAD") {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    }
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" }).end(INTERNAL);
    else res.destroy();
  }
}
