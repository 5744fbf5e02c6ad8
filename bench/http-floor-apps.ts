/**
 * The two servers of bench/http-floor.ts and bench/http-handler.ts: the floor (a minimal Hono
 * app keeping objects in a Map) and objstore's Memory store, both seeded with the same objects.
 *
 * @module
 */
import { Hono } from "hono";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";

/** Objects seeded in each server, `k0` … `k999`. */
export const KEYS = 1000;
/** The value of every seeded and written object. */
export const value = { name: "Ann", age: 34, tags: ["a", "b"], note: "x".repeat(100) };

/** The floor: what any Hono app must do for these requests, on a Map. */
export function floorApp(): Hono {
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

/** A Memory store holding the seeded objects. */
export async function seeded(): Promise<ObjectStore> {
  const store = createObjectStoreInstance({ Type: "Memory" });
  await store.transaction(async (tx) => {
    for (let i = 0; i < KEYS; i++) await tx.save("Bench", `k${i}`, value);
  });
  return store;
}
