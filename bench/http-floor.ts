/**
 * The objstore HTTP server against the floor: a minimal Hono app keeping objects in a Map,
 * served by the same runtime's listener (`@hono/node-server` on Node, `Bun.serve` on Bun), in
 * the same run, driven by bench/http-load.ts in a separate process (Bun) over loopback.
 * Each cell runs objstore and the floor alternately `rounds` times and keeps each one's best.
 *
 *     node --import tsx bench/http-floor.ts [seconds=3] [concurrency=32] [rounds=2]
 *     .tools/node_modules/bun/bin/bun.exe bench/http-floor.ts [seconds=3] [concurrency=32] [rounds=2]
 *
 * @module
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import type { Listen } from "../adapters/serve/common.ts";
import { serveWith } from "../adapters/serve/common.ts";

const [seconds, concurrency, rounds] = [3, 32, 2].map((d, i) => Number(process.argv[2 + i] ?? d));
const KEYS = 1000;
const here = dirname(fileURLToPath(import.meta.url));
const onBun = "Bun" in globalThis;
const listen: Listen = onBun ? (await import("../adapters/serve/bun.ts")).bunListen : (await import("../adapters/serve/node.ts")).nodeListen;
const value = { name: "Ann", age: 34, tags: ["a", "b"], note: "x".repeat(100) };

/** The floor: what any Hono app must do for these requests, on a Map. */
function floorApp() {
  const map = new Map<string, unknown>();
  for (let i = 0; i < KEYS; i++) map.set(`k${i}`, { type: "Bench", key: `k${i}`, value, version: "1" });
  const app = new Hono();
  app.get("/api/objects/Bench/:key", (c) => {
    const object = map.get(c.req.param("key"));
    return object ? c.json(object, 200, { ETag: '"1"' }) : c.json({ error: "missing" }, 404);
  });
  app.put("/api/objects/Bench/:key", async (c) => {
    const key = c.req.param("key");
    if (map.has(key)) return c.json({ error: "exists" }, 409);
    const object = { type: "Bench", key, value: await c.req.json(), version: "1" };
    map.set(key, object);
    return c.json(object, 201, { ETag: '"1"' });
  });
  return app;
}

async function seeded(): Promise<ObjectStore> {
  const store = createObjectStoreInstance({ Type: "Memory" });
  await store.transaction(async (tx) => {
    for (let i = 0; i < KEYS; i++) await tx.save("Bench", `k${i}`, value);
  });
  return store;
}

function load(url: string, mode: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const bun = join(here, "..", ".tools", "node_modules", "bun", "bin", "bun.exe");
  return new Promise((resolve, reject) => {
    const child = spawn(bun, [join(here, "http-load.ts"), url, mode, String(seconds), String(concurrency), String(KEYS)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", () => resolve(JSON.parse(out)));
  });
}

const rows: string[] = [];
for (const mode of ["get", "put"] as const) {
  let best = { objstore: 0, floor: 0 };
  const lat = { objstore: "", floor: "" };
  for (let round = 0; round < rounds; round++) {
    for (const who of ["objstore", "floor"] as const) {
      const store = who === "objstore" ? await seeded() : undefined;
      const server = await serveWith(
        { listen, createFromEnv: () => store! },
        who === "objstore" ? { store, port: 0, log: false } : { handler: floorApp().fetch, port: 0, log: false },
      );
      const result = await load(server.url, mode);
      await server.close();
      await store?.close();
      if (result.errors > 0) throw new Error(`${who} ${mode}: ${result.errors} errors`);
      if (result.rps > best[who]) (best[who] = result.rps), (lat[who] = `${result.p50} / ${result.p99}`);
    }
  }
  const ratio = (best.floor / best.objstore).toFixed(2);
  rows.push(`| ${onBun ? "Bun" : "Node"} | ${mode.toUpperCase()} | ${best.objstore} | ${lat.objstore} | ${best.floor} | ${lat.floor} | ${ratio}× |`);
  console.error(rows.at(-1));
}
const runtime = onBun ? `Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}` : `Node ${process.version}`;
console.log(`${runtime}; load: bench/http-load.ts on Bun in a separate process, ${seconds} s per cell, ${concurrency} concurrent loops, best of ${rounds}\n`);
console.log("| runtime | op | objstore req/s | objstore p50 / p99 ms | Hono on a Map req/s | Map p50 / p99 ms | objstore time ÷ Map time |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
