// createApp's routes are typed for Hono's `hc` client (issue 14 item 3): the client reaches them.
import { expect, test } from "bun:test";
import { hc } from "hono/client";
import { createObjectStoreInstance } from "../mod.ts";
import { createApp, type ObjstoreApp } from "../src/http/app.ts";

test("hc<ObjstoreApp> calls the routes: health, ready, types, a page", async () => {
  const store = createObjectStoreInstance();
  await store.save("T", "k", 1);
  const app = createApp(store);
  const client = hc<ObjstoreApp>("http://api.test", { fetch: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init)) });
  expect(await (await client.health.$get()).json()).toEqual({ ok: true });
  expect((await client.ready.$get()).status).toBe(200);
  expect(await (await client.api.types.$get()).json()).toEqual(["T"]);
  const page = await (await client.api.objects[":type"].$get({ param: { type: "T" } })).json() as { result: { key: string }[] };
  expect(page.result.map((o) => o.key)).toEqual(["k"]);
});
