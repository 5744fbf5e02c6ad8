/**
 * A Deno Deploy app whose data lives in Deno KV: the objstore HTTP API over `{"Type":"DenoKV"}`.
 *
 *   deno run -A --unstable-kv examples/deno-kv.ts        # local: Deno's default KV database
 *   PORT=8000 KV_PATH=./notes.kv deno run -A --unstable-kv examples/deno-kv.ts
 *
 * On Deno Deploy, deploy this file: `Deno.openKv()` opens the app's own database. In your app,
 * import from "@objstore/objstore/deno" and "@objstore/objstore/http" instead of the paths below.
 */
import { createObjectStoreInstance } from "../adapters/deno.ts";
import { createApp } from "../src/http/mod.ts";

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

const path = Deno.env.get("KV_PATH");
const store = createObjectStoreInstance(path ? { Type: "DenoKV", path } : { Type: "DenoKV" });
const app = createApp(store);

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 8000),
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
}, app.fetch);
