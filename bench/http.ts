/**
 * HTTP API throughput: GET and PUT requests/s on the Bun server (`serve` from @objstore/objstore/bun)
 * with a Memory and a libSQL file store, driven by bench/http-load.ts in a separate process on
 * loopback (bounded in time), against the same store called in-process and through
 * `app.fetch` without a socket.
 *
 *     .tools/node_modules/.bin/bun bench/http.ts [seconds=3] [concurrency=32]
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStoreInstance, type ObjectStore, serve } from "../adapters/bun.ts";
import { createApp } from "../src/http/app.ts";

const seconds = Number(process.argv[2] ?? 3);
const concurrency = Number(process.argv[3] ?? 32);
const KEYS = 1000;
const value = { name: "Ann", age: 34, tags: ["a", "b"], note: "x".repeat(100) };

async function seed(store: ObjectStore) {
  for (let i = 0; i < KEYS; i += 100) {
    await store.transaction(async (tx) => {
      for (let j = i; j < i + 100; j++) await tx.save("Bench", `k${j}`, value);
    });
  }
}

async function inProcess(mode: "get" | "put", call: (mode: "get" | "put", worker: number, n: number) => Promise<void>) {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    for (let n = 0; performance.now() < until; n++) {
      await call(mode, w, n);
      count++;
    }
  }));
  return Math.round(count / ((performance.now() - t0) / 1000));
}

async function overHttp(url: string, mode: "get" | "put") {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "http-load.ts"), url, mode, String(seconds), String(concurrency), String(KEYS)], { stdout: "pipe" });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return JSON.parse(out) as { rps: number; p50: number; p99: number; errors: number };
}

const dir = mkdtempSync(join(tmpdir(), "objstore-bench-"));
const backends: [string, () => ObjectStore][] = [
  ["Memory", () => createObjectStoreInstance({ Type: "Memory" })],
  ["LibSQL file", () => createObjectStoreInstance({ Type: "LibSQL", url: `file:${join(dir, `b${Date.now()}.db`)}` })],
];
const rows: string[] = [];
for (const [name, make] of backends) {
  for (const mode of ["get", "put"] as const) {
    let store: ObjectStore;
    try {
      store = make();
      await seed(store);
    } catch (e) {
      rows.push(`| ${name} | ${mode.toUpperCase()} | unavailable: ${(e as Error).message} | | | |`);
      break;
    }
    const direct = await inProcess(mode, async (m, w, n) => {
      if (m === "get") await store.get("Bench", `k${(Math.random() * KEYS) | 0}`);
      else await store.save("Bench", `d${w}-${n}`, value);
    });
    const app = createApp(store);
    const viaApp = await inProcess(mode, async (m, w, n) => {
      const res = m === "get"
        ? await app.fetch(new Request(`http://x/api/objects/Bench/k${(Math.random() * KEYS) | 0}`))
        : await app.fetch(new Request(`http://x/api/objects/Bench/a${w}-${n}`, { method: "PUT", body: JSON.stringify(value) }));
      await res.arrayBuffer();
    });
    const server = await serve({ store, port: 0, log: false });
    const http = await overHttp(server.url, mode);
    await server.close();
    await store.close();
    rows.push(`| ${name} | ${mode.toUpperCase()} | ${http.rps} | ${http.p50} / ${http.p99} | ${viaApp} | ${direct} |${http.errors ? ` ${http.errors} errors` : ""}`);
    console.error(rows[rows.length - 1]);
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`Bun ${Bun.version}, ${seconds} s per cell, ${concurrency} concurrent requests, ${KEYS} objects of ~150 bytes\n`);
console.log("| store | op | HTTP req/s (loopback) | HTTP p50 / p99 ms | app.fetch in-process req/s | store calls/s in-process |");
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
