// Fuzzing the HTTP API: thousands of random and malformed requests (bad JSON, huge bodies, odd
// headers and methods, random and badly encoded paths), in-process and over a live server.
// Asserted: never a 500, every error is {"error":{code,message}}, and the protected data
// (type "Keep") is unchanged: requests without the token may target anything, requests with
// it target "Keep" only in ways that must fail (stale If-Match, creates of existing objects,
// transactions whose last write fails, forged records, verbatim writes without the replicate
// scope). A read-only token sends writes that would succeed with a read-write one (types "Keep"
// and "ReadOnly"): none may apply. Forged record-level writes to "Forge" may apply, but only
// with the server's stamps.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { serveHandler } from "./http-live.ts";

const SEED = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.OBJSTORE_SEED ?? 20261124);

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const KEEP_KEYS = ["a", "a/b", "%", "..", "ключ", "x y"];
const JUNK = ["", "/", "%", "%2", "%zz", "%00", "%FF", "%ED%A0%80", "..", ".", "a_b", "_", "?", "#", "\u00e9", "🔑", "*", "%2F", "%252F", "x".repeat(1100), "\\", ":", "~"];
const METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "PROPFIND"];
/** Methods `new Request` refuses, sent only over raw sockets. */
const RAW_METHODS = [...METHODS, "TRACE", "CONNECT", "get", "G E T"];
const BODIES = ["", "{", "}", "[1,", "null", "nul", "1e999", "-", "\"\\ud800\"", "{\"__proto__\":{\"x\":1}}", "\u0000", "{\"writes\":null}", "{\"writes\":[{}]}",
  "{\"writes\":[{\"op\":\"save\"}]}", "{\"writes\":[{\"op\":\"put\",\"type\":\"Keep\",\"key\":\"a\"}]}", "{\"type\":\"Keep\"}", "[]", "\"str\"", "true", "0", "{\"a\":".repeat(50), "[".repeat(5000) + "]".repeat(5000)];

function junkSegment(r: Rng): string {
  const n = r.int(3);
  let s = "";
  for (let i = 0; i <= n; i++) s += r.pick(JUNK);
  return s;
}

const SERVER_TIME = "2030-03-03T03:03:03.333Z";
const FORGED = { created: "2001-01-01T00:00:00.000Z", updated: "2001-01-01T00:00:00.000Z" };

/** A read-only token's writes, each of which a read-write token would get applied. */
function readOnlyWrite(r: Rng): { method: string; path: string; body?: string; headers?: Record<string, string> } {
  const key = encodeURIComponent(r.pick(KEEP_KEYS));
  const fresh = `n${r.int(1000)}`;
  return r.pick([
    { method: "PUT", path: `/api/objects/ReadOnly/${fresh}`, body: "1" },
    { method: "PUT", path: `/api/object?type=ReadOnly&key=${fresh}`, body: "1" },
    { method: "PUT", path: `/api/objects/Keep/${key}`, body: "1", headers: { "If-Match": "*" } },
    { method: "PUT", path: `/api/objects/Keep/${key}`, body: "1", headers: { "If-Match": '"1"' } },
    { method: "DELETE", path: `/api/objects/Keep/${key}` },
    { method: "DELETE", path: "/api/object?type=Keep&key=.." },
    { method: "POST", path: "/api/transactions", body: JSON.stringify({ writes: [{ op: "save", type: "ReadOnly", key: fresh, value: 1 }] }) },
    { method: "POST", path: "/api/transactions", body: JSON.stringify({ writes: [{ op: "truncate", type: "Keep" }] }) },
    { method: "POST", path: "/api/transactions", body: JSON.stringify({ writes: [{ op: "put", type: "ReadOnly", key: fresh, expect: { absent: true }, record: { value: 1, version: "1" } }] }) },
    { method: "POST", path: "/api/transactions", body: JSON.stringify({ verbatim: true, writes: [{ op: "put", type: "Keep", key: "a", expect: { any: true }, record: { value: 1, version: "1", ...FORGED } }] }) },
  ]);
}

/** A forged record-level write: to "Forge" (may apply, with the server's stamps) or "Keep" (must fail). */
function forgedWrite(r: Rng): string {
  const target = r.next() < 0.5 ? "Forge" : "Keep";
  const key = target === "Keep" ? r.pick(KEEP_KEYS) : `f${r.int(20)}`;
  const version = r.pick(["1", "2", "5", "9", "0", "01", "99999999999999999"]);
  const record = { value: { forged: r.int(9) }, version, ...(r.next() < 0.8 ? FORGED : {}), ...(r.next() < 0.2 ? { key: "other", type: "Other" } : {}) };
  const expect = target === "Keep"
    ? r.pick([{ any: true }, { present: true }, { version: "9" }, { absent: true }])
    : r.pick([{ any: true }, { present: true }, { absent: true }, { version: "1" }, { version: "2" }, { version: r.pick(["3", "4"]) }]);
  const writes = r.next() < 0.2
    ? [{ op: "replace", type: target, key, version: target === "Keep" ? "9" : r.pick(["1", "2"]), record: { value: 1, version, updated: FORGED.updated } }]
    : [{ op: "put", type: target, key, expect, record }];
  return JSON.stringify({ writes, ...(r.next() < 0.2 ? { verbatim: true } : {}) });
}

function randomRequest(r: Rng, token: string): { request: Request; authed: boolean } {
  const scoped = r.next();
  if (scoped < 0.1) {
    const w = readOnlyWrite(r);
    const headers = { Authorization: "Bearer fuzz-ro", ...w.headers };
    return { request: new Request(`http://h${w.path}`, { method: w.method, headers, body: w.body }), authed: true };
  }
  if (scoped < 0.2) {
    const headers = { Authorization: `Bearer ${r.next() < 0.8 ? token : "fuzz-ro"}` };
    return { request: new Request("http://h/api/transactions", { method: "POST", headers, body: forgedWrite(r) }), authed: true };
  }
  const authed = r.next() < 0.5;
  const headers = new Headers();
  if (authed) headers.set("Authorization", `Bearer ${token}`);
  else if (r.next() < 0.5) headers.set("Authorization", r.pick(["Bearer", "Bearer x", `Bearer ${token}x`, `Basic ${token}`, `bearer  ${token.slice(1)}`]));
  if (r.next() < 0.3) headers.set("If-Match", r.pick(["*", '"1"', '"2"', "W/\"1\"", '"', "1,2", '""', "garbage value", '"1", "3"']));
  if (r.next() < 0.2) headers.set("If-None-Match", r.pick(["*", '"1"', "x", '"']));
  if (r.next() < 0.2) headers.set("Content-Type", r.pick(["text/plain", "application/json; charset=latin1", "multipart/form-data", "x/y"]));
  if (r.next() < 0.1) headers.set("Origin", "https://evil.example");
  let method = r.pick(METHODS);
  let path: string;
  const shape = r.int(6);
  if (authed) {
    // Authenticated requests touch "Keep" only in ways that must fail, or go to "Scratch".
    const keep = r.pick(KEEP_KEYS);
    const keepPath = keep === ".." ? "/api/object?type=Keep&key=.." : `/api/objects/Keep/${encodeURIComponent(keep)}`;
    switch (shape) {
      case 0:
        method = "PUT", path = keepPath, headers.delete("If-Match"), headers.delete("If-None-Match");
        if (r.next() < 0.5) headers.set("If-Match", r.pick(['"9"', '"0"', '"01"', '"1 "']));
        break;
      case 1:
        method = "DELETE", path = keepPath, headers.set("If-Match", r.pick(['"9"', '"0"', '"01"']));
        break;
      case 2: {
        method = "POST", path = "/api/transactions";
        const body = JSON.stringify({ writes: [
          { op: "save", type: "Keep", key: r.pick(KEEP_KEYS), value: r.int(9), version: "1" },
          { op: "remove", type: "Keep", key: "never-there" },
        ] });
        return { request: new Request(`http://h${path}`, { method, headers, body }), authed };
      }
      default:
        path = r.pick([`/api/objects/Scratch/${junkSegment(r)}`, `/api/objects/Scratch`, "/api/transactions", "/api/query", "/api/types", `/api/object?type=Scratch&key=${junkSegment(r)}`, `/${junkSegment(r)}`]);
        if (path.includes("?") && r.next() < 0.5) path += `&pagesize=${r.pick(["-1", "x", "1", "1000", ""])}`;
    }
  } else {
    path = r.pick([`/api/objects/${junkSegment(r)}/${junkSegment(r)}`, `/api/objects/Keep/${encodeURIComponent(r.pick(KEEP_KEYS))}`, "/api/transactions", "/api/query", "/api/types", `/${junkSegment(r)}`, "/health"]);
  }
  const query = r.next() < 0.2 ? `?${r.pick(["offset=-1", "pagesize=1e3", "sort=a:b:c", "cursor=%%%", "query=%00", "sort=,", "offset=1&offset=2"])}` : "";
  let body: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD" && r.next() < 0.8) {
    const kind = r.int(10);
    if (kind === 0) body = "x".repeat(1024 * 1024 + r.int(1000)); // huge
    else if (kind === 1) body = new Uint8Array(Array.from({ length: r.int(64) }, () => r.int(256))); // random bytes
    else if (kind < 5) body = r.pick(BODIES);
    else body = JSON.stringify({ v: r.int(100), s: junkSegment(r) });
  }
  let url: string;
  try {
    url = new URL(`http://h${path}${path.includes("?") ? query.replace("?", "&") : query}`).href;
  } catch {
    url = "http://h/";
  }
  return { request: new Request(url, { method, headers, body }), authed };
}

async function snapshot(store: ObjectStore) {
  return JSON.stringify((await store.page("Keep", { pagesize: 100 })).result);
}

/** What only allowed writes leave: nothing of the read-only token, forged records with the server's stamps only. */
async function onlyAllowedWrites(store: ObjectStore): Promise<void> {
  expect((await store.page("ReadOnly")).result).toEqual([]);
  const forged = (await store.page("Forge", { pagesize: 100 })).result;
  for (const object of forged) expect([object.key, object.created, object.updated]).toEqual([object.key, SERVER_TIME, SERVER_TIME]);
  expect(await store.types()).not.toContain("Other");
}

describe("HTTP fuzz", () => {
  test(`3000 random and malformed requests in-process: no 500, JSON errors, protected data unchanged (seed ${SEED})`, async () => {
    const store = createObjectStoreInstance();
    for (const key of KEEP_KEYS) await store.save("Keep", key, { key });
    const before = await snapshot(store);
    const app = createApp(store, { token: "fuzz-token", tokens: "fuzz-ro:read", cors: ["https://ok.example"], now: () => new Date(SERVER_TIME) });
    const r = rng(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const { request } = randomRequest(r, "fuzz-token");
      const label = `#${i} ${request.method} ${request.url}`;
      const res = await app.fetch(request);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([label, res.status < 500]).toEqual([label, true]);
      if (res.status >= 400 && request.method !== "HEAD") {
        const body = await res.json() as { error?: { code?: unknown; message?: unknown } };
        expect([label, typeof body.error?.code, typeof body.error?.message]).toEqual([label, "string", "string"]);
        expect(JSON.stringify(body)).not.toMatch(/\bat \S+\.(ts|js):\d+/);
      } else await res.arrayBuffer();
    }
    expect(await snapshot(store)).toBe(before);
    await onlyAllowedWrites(store);
    expect((await store.page("Forge")).result.length).toBeGreaterThan(0);
    // The fuzz reached the interesting answers, not just 401s.
    for (const status of [200, 201, 204, 400, 401, 403, 404, 405, 409, 412, 413]) expect([status, (statuses.get(status) ?? 0) > 0]).toEqual([status, true]);
  });

  let server: Awaited<ReturnType<typeof serveHandler>>;
  let store: ObjectStore;
  beforeAll(async () => {
    store = createObjectStoreInstance();
    for (const key of KEEP_KEYS) await store.save("Keep", key, { key });
    server = await serveHandler(createApp(store, { token: "fuzz-token" }).fetch);
  });
  afterAll(async () => {
    await server.close();
  });

  test("300 malformed raw HTTP requests over a live socket: no 500, the server keeps serving, data unchanged", async () => {
    const before = await snapshot(store);
    const r = rng(SEED + 1);
    const { port } = server;
    const lines = [
      () => `${r.pick(RAW_METHODS)} /api/objects/${junkSegment(r)}/${junkSegment(r)} HTTP/1.1`,
      () => `GET /api/objects/Keep/a%2F..%2F..%2Fb HTTP/1.1`,
      () => `PUT /api/objects/Keep/a HTTP/1.1`,
      () => `GET ${"/a".repeat(r.int(3000))} HTTP/1.1`,
      () => `DELETE /api/objects/Keep/%2e%2e HTTP/1.1`,
      () => `GET /api/objects/Keep/../../health HTTP/1.1`,
      () => `POST /api/transactions HTTP/1.1`,
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const extra = r.pick([
        "", "Authorization: Bearer nope\r\n", "If-Match: \"\u00ff\"\r\n", `X-Long: ${"h".repeat(r.int(8000))}\r\n`, "Content-Length: 5\r\n",
        "Transfer-Encoding: chunked\r\n", "Content-Length: 99999999\r\n", "Authorization: Bearer fuzz-token\r\nIf-Match: \"7\"\r\n",
      ]);
      const body = r.pick(["", "{bad", "1", "0\r\n\r\n", "x".repeat(r.int(200))]);
      const raw = `${r.pick(lines)()}\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n${body}`;
      statuses.push(await rawRequest(port, raw));
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.some((s) => s >= 400 && s < 500)).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await snapshot(store)).toBe(before);
  }, 60_000);
});

/** Sends raw bytes, returns the status of the answer (0 when the server just closed). */
function rawRequest(port: number, raw: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve(match ? Number(match[1]) : 0);
    };
    const timer = setTimeout(done, 3000);
    socket.on("data", (chunk) => {
      data += String(chunk);
      if (/^HTTP\/1\.[01] \d{3}/.test(data)) done();
    });
    socket.on("error", done);
    socket.on("close", done);
    socket.write(raw);
  });
}
