// Issue 13, defect 5: malformed bytes after a request on the same connection (a pipelined bad
// request, or a body longer than its Content-Length) must not leave a write applied while the
// client hears only 400. Raw sockets against the runtime's own listener; each response is held
// back a little after the app answered, so the malformed bytes are parsed while an applied
// write's response is still in flight, as on a busy server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { serveHandler } from "./http-live.ts";

let store: ObjectStore;
let server: Awaited<ReturnType<typeof serveHandler>>;
beforeAll(async () => {
  store = createObjectStoreInstance();
  const app = createApp(store);
  server = await serveHandler(async (request) => {
    const response = await app.fetch(request);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return response;
  });
});
afterAll(async () => {
  await server.close();
});

/** Sends raw bytes on one connection and collects everything until the server closes it. */
function exchange(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1", () => socket.write(bytes));
    let out = "";
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on("data", (d) => (out += d.toString("latin1")));
    socket.on("close", () => (clearTimeout(timer), resolve(out)));
    socket.on("error", () => {});
  });
}

const BODY = '{"a":1}';
const put = (key: string, length = BODY.length) =>
  `PUT /api/objects/Pipe/${key} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${BODY}`;

describe("HTTP: malformed bytes after a write on one connection", () => {
  const cases: [string, (key: string) => string][] = [
    ["a pipelined request that is not HTTP", (key) => put(key) + "GARBAGE\r\n\r\n"],
    ["a pipelined request with a bad header", (key) => put(key) + "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"],
    ["a body longer than its Content-Length", (key) => put(key) + "}}}}\r\n\r\n"],
  ];
  for (const [name, bytes] of cases) {
    test(`${name}: an applied write's 201 reaches the client (or nothing is written)`, async () => {
      const key = `k${Math.random().toString(36).slice(2)}`;
      const out = await exchange(bytes(key));
      const statuses = out.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
      const stored = await store.get("Pipe", key);
      if (stored) expect(statuses[0]).toBe("HTTP/1.1 201");
      else expect(statuses).not.toContain("HTTP/1.1 201");
      // The server stays up and serves the next connection.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });
  }
});
