/**
 * The objstore HTTP API mounted inside your own Hono app, under /store, next to your routes.
 *
 *   bun examples/hono-mount.ts          # or deno run -A, or node with a TypeScript loader
 *
 * In your app, import from "@objstore/objstore/node" (or "@objstore/objstore") and
 * "@objstore/objstore/http" instead of the paths below, and install hono.
 */
import { Hono } from "hono";
import { createObjectStoreInstance } from "../mod.ts";
import { createApp } from "../src/http/mod.ts";

const store = createObjectStoreInstance({ Type: "Memory" });

/** Your app: its own routes, and the store's API under /store (e.g. PUT /store/api/objects/Note/n1). */
export const app: Hono = new Hono();
app.get("/", (c) => c.text("my app"));
app.route("/store", createApp(store));

if (import.meta.main) {
  const response = await app.request("/store/api/objects/Note/n1", { method: "PUT", headers: { "content-type": "application/json" }, body: '{"text":"hi"}' });
  console.log(response.status, await (await app.request("/store/api/objects/Note/n1")).json());
}
