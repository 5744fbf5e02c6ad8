/**
 * The Node server's own work per request, without sockets: objstore's app and the floor (the
 * minimal Hono app on a Map of bench/http-floor.ts) behind `@hono/node-server`'s request
 * listener, fed parsed requests (`IncomingMessage`) and answering into `ServerResponse`s that
 * are never flushed. What it leaves out (the HTTP parser, the socket writes, the load
 * generator) is the same for both servers; on a shared machine this moves far less than
 * requests per second over loopback. Batches of each alternate; the median batch is kept.
 *
 *     node --import tsx bench/http-handler.ts [batches=30] [batch=2000] [ops=get,put]
 *
 * @module
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { nodeFetch } from "../adapters/serve/node.ts";
import { createApp } from "../src/http/app.ts";
import { floorApp, KEYS, seeded, value } from "./http-floor-apps.ts";

const [batches, batch] = [30, 2000].map((d, i) => Number(process.argv[2 + i] ?? d));
const ops = (process.argv[4] ?? "get,put").split(",");
const body = Buffer.from(JSON.stringify(value));
const socket = new Socket();

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>;

let counter = 0;
function request(listener: Listener, mode: string): Promise<void> {
  const incoming = new IncomingMessage(socket);
  const raw = ["Host", "127.0.0.1:8787", "User-Agent", "Bun/1.4.5", "Accept", "*/*", "Connection", "keep-alive"];
  if (mode === "get") {
    incoming.method = "GET";
    incoming.url = `/api/objects/Bench/k${counter++ % KEYS}`;
  } else {
    incoming.method = "PUT";
    incoming.url = `/api/objects/Bench/w${counter++}`;
    raw.push("Content-Type", "application/json", "Content-Length", String(body.byteLength));
  }
  (incoming as unknown as { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(raw, raw.length);
  if (mode === "put") incoming.push(Buffer.from(body));
  incoming.push(null);
  const outgoing = new ServerResponse(incoming);
  return listener(incoming, outgoing).then(() => {
    if (outgoing.statusCode !== (mode === "get" ? 200 : 201)) throw new Error(`${mode}: status ${outgoing.statusCode}`);
  });
}

async function run(listener: Listener, mode: string): Promise<number> {
  const start = process.cpuUsage();
  // 32 requests in flight, as the loopback bench has.
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next++ < batch) await request(listener, mode);
  }));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / batch;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`Node ${process.version}; ${batches} batches of ${batch} requests each, alternating; median µs of CPU per request`);
console.log("| op | objstore µs | floor µs | objstore ÷ floor |\n|---|---:|---:|---:|");
for (const mode of ops) {
  const times = { objstore: [] as number[], floor: [] as number[] };
  let listeners: Record<"objstore" | "floor", Listener> | undefined;
  for (let i = 0; i < batches; i++) {
    // Fresh stores every few batches, so PUTs do not pile up objects without end.
    if (i % 10 === 0) {
      listeners = {
        objstore: getRequestListener(nodeFetch(createApp(await seeded()).fetch)) as Listener,
        floor: getRequestListener(nodeFetch(floorApp().fetch)) as Listener,
      };
    }
    for (const who of i % 2 ? (["floor", "objstore"] as const) : (["objstore", "floor"] as const)) times[who].push(await run(listeners![who], mode));
  }
  const [mine, floor] = [median(times.objstore), median(times.floor)];
  console.log(`| ${mode.toUpperCase()} | ${mine.toFixed(1)} | ${floor.toFixed(1)} | ${(mine / floor).toFixed(2)}× |`);
}
