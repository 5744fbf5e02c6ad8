/**
 * The objstore HTTP server against the floor: a minimal Hono app keeping objects in a Map,
 * served by the same runtime's listener (`@hono/node-server` on Node, `Bun.serve` on Bun), in
 * the same run, driven by bench/http-load.ts in a separate process (Bun) over loopback.
 * Each cell runs objstore and the floor alternately `rounds` times and keeps each one's best; the
 * server's CPU time per request (this process's user + system time during the load, divided by
 * the requests answered) is the median over the rounds, which moves less with the machine's load.
 *
 *     node --import tsx bench/http-floor.ts [seconds=3] [concurrency=32] [rounds=2] [ops=get,put]
 *     .tools/node_modules/bun/bin/bun.exe bench/http-floor.ts [seconds=3] [concurrency=32] [rounds=2] [ops=get,put]
 *
 * @module
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Listen } from "../adapters/serve/common.ts";
import { serveWith } from "../adapters/serve/common.ts";
import { floorApp, KEYS, seeded } from "./http-floor-apps.ts";

const [seconds, concurrency, rounds] = [3, 32, 2].map((d, i) => Number(process.argv[2 + i] ?? d));
const ops = (process.argv[5] ?? "get,put").split(",") as ("get" | "put")[];
const here = dirname(fileURLToPath(import.meta.url));
const onBun = "Bun" in globalThis;
const listen: Listen = onBun ? (await import("../adapters/serve/bun.ts")).bunListen : (await import("../adapters/serve/node.ts")).nodeListen;

function load(url: string, mode: string): Promise<{ requests: number; rps: number; p50: number; p99: number; errors: number }> {
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
for (const mode of ops) {
  let best = { objstore: 0, floor: 0 };
  const lat = { objstore: "", floor: "" };
  const cpu = { objstore: [] as number[], floor: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const who of ["objstore", "floor"] as const) {
      const store = who === "objstore" ? await seeded() : undefined;
      const server = await serveWith(
        { listen, createFromEnv: () => store! },
        who === "objstore" ? { store, port: 0, log: false } : { handler: floorApp().fetch, port: 0, log: false },
      );
      const before = process.cpuUsage();
      const result = await load(server.url, mode);
      const used = process.cpuUsage(before);
      cpu[who].push((used.user + used.system) / result.requests);
      await server.close();
      await store?.close();
      if (result.errors > 0) throw new Error(`${who} ${mode}: ${result.errors} errors`);
      if (result.rps > best[who]) (best[who] = result.rps), (lat[who] = `${result.p50} / ${result.p99}`);
    }
  }
  const ratio = (best.floor / best.objstore).toFixed(2);
  const [mine, floor] = [median(cpu.objstore), median(cpu.floor)];
  rows.push(`| ${onBun ? "Bun" : "Node"} | ${mode.toUpperCase()} | ${best.objstore} | ${lat.objstore} | ${best.floor} | ${lat.floor} | ${ratio}× | ${mine.toFixed(0)} / ${floor.toFixed(0)} µs = ${(mine / floor).toFixed(2)}× |`);
  console.error(rows.at(-1));
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const runtime = onBun ? `Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}` : `Node ${process.version}`;
console.log(`${runtime}; load: bench/http-load.ts on Bun in a separate process, ${seconds} s per cell, ${concurrency} concurrent loops, best of ${rounds}\n`);
console.log("| runtime | op | objstore req/s | objstore p50 / p99 ms | Hono on a Map req/s | Map p50 / p99 ms | objstore time ÷ Map time | server CPU per request, objstore / Map |");
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
