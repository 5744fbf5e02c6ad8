// A write whose client is gone before it is applied is not applied (checkConnected): on every
// runtime's listener the app can tell, while the request is still being handled, that its client
// closed the connection. (On Node the listener answers this without making `request.signal`.)
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { checkConnected } from "../src/http/request.ts";
import { serveHandler } from "./http-live.ts";

let server: Awaited<ReturnType<typeof serveHandler>>;
const seen: string[] = [];
let arrived!: () => void;
let arrival = new Promise<void>((resolve) => (arrived = resolve));

beforeAll(async () => {
  server = await serveHandler(async (request) => {
    await request.text();
    const connected = () => {
      try {
        checkConnected(request);
        return true;
      } catch (e) {
        return (e as { code?: string }).code !== "CLIENT_GONE";
      }
    };
    seen.push(connected() ? "connected" : "gone");
    arrived();
    // Wait (at most 1 s) for the client to go away, as a slow write would.
    for (let i = 0; i < 100 && connected(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    seen.push(connected() ? "connected" : "gone");
    return new Response("done");
  });
});
afterAll(async () => {
  await server.close();
});

test("the app sees its client close the connection while the request is handled", async () => {
  const socket = connect(server.port, "127.0.0.1", () => {
    socket.write("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  });
  socket.on("error", () => {});
  await arrival;
  socket.destroy();
  for (let i = 0; i < 600 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(seen).toEqual(["connected", "gone"]);
});

test("a client that stays is connected until its answer is sent", async () => {
  seen.length = 0;
  arrival = new Promise<void>((resolve) => (arrived = resolve));
  const answer = fetch(`${server.url}/x`, { method: "PUT", body: "{}", headers: { "Content-Type": "application/json" } });
  await arrival;
  // The handler polls for 1 s; the client keeps waiting, so both looks say connected.
  expect(await (await answer).text()).toBe("done");
  expect(seen).toEqual(["connected", "connected"]);
}, 15_000);
