// Request bodies as the runtime's own listener delivers them (on Node the listener hands the app
// the bytes the socket read, without the copy `arrayBuffer()` makes): whole, in chunks, over the
// limit with and without Content-Length, not UTF-8, and cut off by a client that goes away.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { serveHandler } from "./http-live.ts";

let store: ObjectStore;
let server: Awaited<ReturnType<typeof serveHandler>>;
beforeAll(async () => {
  store = createObjectStoreInstance();
  const app = createApp(store, { bodyLimit: 1000 });
  server = await serveHandler((request) => app.fetch(request));
});
afterAll(async () => {
  await server.close();
});

/** Writes raw bytes on one connection (in pieces, `pause` ms apart) and collects the answer until the server closes or `wait` ms pass. */
function exchange(pieces: (string | Uint8Array)[], { pause = 20, wait = 2000, cut = false } = {}): Promise<string> {
  return new Promise((resolve) => {
    let out = "";
    const socket = connect(server.port, "127.0.0.1", async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, pause));
      }
      if (cut) socket.destroy();
    });
    const timer = setTimeout(() => socket.destroy(), wait);
    socket.on("data", (d) => (out += d.toString("latin1")));
    socket.on("close", () => (clearTimeout(timer), resolve(out)));
    socket.on("error", () => {});
  });
}

const head = (key: string, headers: string) => `PUT /api/objects/Body/${key} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n${headers}\r\n`;
const status = (out: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1]);

describe("HTTP bodies through the runtime's listener", () => {
  test("a body with Content-Length, whole or in pieces, is stored as sent", async () => {
    const value = { a: "é€😀", n: [1, 2, 3] };
    const put = await fetch(`${server.url}/api/objects/Body/whole`, { method: "PUT", body: JSON.stringify(value) });
    expect(put.status).toBe(201);
    expect((await put.json()).value).toEqual(value);
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    // Split inside a multi-byte character: the pieces are joined before decoding.
    const out = await exchange([head("pieces", `Content-Length: ${bytes.length}\r\n`), bytes.slice(0, 8), bytes.slice(8)]);
    expect(status(out)).toBe(201);
    expect((await store.get("Body", "pieces"))?.value).toEqual(value);
  });

  test("a chunked body (no Content-Length) is stored; over the limit it is 413 and nothing is written", async () => {
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    const ok = await exchange([head("chunked", "Transfer-Encoding: chunked\r\n"), chunk('{"a":'), chunk('"b"}'), "0\r\n\r\n"]);
    expect(status(ok)).toBe(201);
    expect((await store.get("Body", "chunked"))?.value).toEqual({ a: "b" });
    const big = await exchange([head("chunked-big", "Transfer-Encoding: chunked\r\n"), chunk(`"${"x".repeat(600)}`), chunk(`${"x".repeat(600)}"`), "0\r\n\r\n"]);
    expect(status(big)).toBe(413);
    expect(await store.get("Body", "chunked-big")).toBeUndefined();
  });

  test("over the limit by Content-Length is 413 before the body is read; at the limit it is stored", async () => {
    const big = await fetch(`${server.url}/api/objects/Body/big`, { method: "PUT", body: JSON.stringify("x".repeat(999)) });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    const fits = await fetch(`${server.url}/api/objects/Body/fits`, { method: "PUT", body: JSON.stringify("x".repeat(998)) });
    expect(fits.status).toBe(201);
    expect(await store.get("Body", "big")).toBeUndefined();
  });

  test("a body that is not UTF-8, starts with a byte order mark or is empty is 400 INVALID_VALUE", async () => {
    for (const [key, body] of [["latin1", new Uint8Array([0x22, 0xe9, 0x22])], ["bom", new TextEncoder().encode('\uFEFF{"a":1}')], ["empty", new Uint8Array()]] as const) {
      const res = await fetch(`${server.url}/api/objects/Body/${key}`, { method: "PUT", body });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_VALUE");
      expect(await store.get("Body", key)).toBeUndefined();
    }
  });

  test("a chunked body that breaks off in malformed bytes is answered at once and writes nothing", async () => {
    const out = await exchange([head("bad-chunk", "Transfer-Encoding: chunked\r\n"), '5\r\n{"a":\r\n', "zz\r\n\r\n"]);
    // Node and Bun answer 400; Deno's body stream fails, which the app answers 500.
    expect(status(out)).toBeGreaterThanOrEqual(400);
    expect(await store.get("Body", "bad-chunk")).toBeUndefined();
  });

  test("a client that goes away in the middle of its body writes nothing, and the server serves on", async () => {
    await exchange([head("cut", "Content-Length: 100\r\n"), '{"a":"'], { cut: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.get("Body", "cut")).toBeUndefined();
    const next = await fetch(`${server.url}/api/objects/Body/after`, { method: "PUT", body: "1" });
    expect(next.status).toBe(201);
  });
});

describe("HTTP bodies read after the client went away", () => {
  let late: Awaited<ReturnType<typeof serveHandler>>;
  const answered: number[] = [];
  let lateStore: ObjectStore;
  beforeAll(async () => {
    lateStore = createObjectStoreInstance();
    const app = createApp(lateStore);
    // The app reads the body only after the connection is gone, as a busy server would.
    late = await serveHandler(async (request) => {
      await new Promise((r) => setTimeout(r, 100));
      const response = await app.fetch(request);
      answered.push(response.status);
      return response;
    });
  });
  afterAll(async () => {
    await late.close();
  });

  for (const [name, body, length] of [["whole", '{"a":1}', 7], ["cut short", '{"a":', 7]] as const) {
    test(`a body sent ${name} before the close is answered (not left pending); written only if answered 201`, async () => {
      answered.length = 0;
      const socket = connect(late.port, "127.0.0.1", () => {
        socket.write(`PUT /api/objects/Late/${length}${name[0]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`);
        setTimeout(() => socket.destroy(), 20);
      });
      socket.on("error", () => {});
      for (let i = 0; i < 100 && answered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(answered).toHaveLength(1);
      const stored = await lateStore.get("Late", `${length}${name[0]}`);
      expect(stored !== undefined).toBe(answered[0] === 201);
    });
  }
});
