/**
 * The consumer programs test/package/consumer.test.ts writes into fresh projects that install
 * the packed tarball: what a user of each runtime, bundler and TypeScript setup would write.
 *
 * @module
 */

/**
 * Node/Deno/Bun ESM: Memory, a driver subpath by config, the errors for a driver and for the
 * tenant and index features not imported, those features once imported, and the Node entry.
 */
export const RUN_MJS = `
import { createObjectStoreInstance, ObjectStoreError } from "@objstore/objstore";
const out = {};
const store = createObjectStoreInstance({ Type: "Memory" });
const { version } = await store.save("Person", "ann", { name: "Ann" });
await store.save("Person", "ann", { name: "Ann B." }, version);
out.memory = (await store.get("Person", "ann")).value.name;
try {
  createObjectStoreInstance({ Type: "Remote", url: "http://127.0.0.1:9" });
} catch (e) {
  out.unregistered = e instanceof ObjectStoreError ? e.code + " " + e.message : String(e);
}
await import("@objstore/objstore/remote");
out.remoteKind = createObjectStoreInstance({ Type: "Remote", url: "http://127.0.0.1:9" }).kind;
for (const [name, use] of [["tenantUnloaded", () => store.forTenant("acme")], ["indexUnloaded", () => store.doubleStringIndex("Email")]]) {
  try {
    use();
  } catch (e) {
    out[name] = e instanceof ObjectStoreError ? e.code + " " + e.message : String(e);
  }
}
await import("@objstore/objstore/tenants");
await import("@objstore/objstore/double-string-index");
await store.forTenant("acme").save("Person", "ann", { name: "acme" });
out.tenant = (await store.forTenant("acme").get("Person", "ann")).value.name;
await store.doubleStringIndex("Email").save("ann@example.com", "user-1");
out.index = await store.doubleStringIndex("Email").getByA("ann@example.com");
const node = await import("@objstore/objstore/node");
out.nodeEntry = node.createObjectStoreInstance({ Type: "DynamoDB", aws_access_key_id: "A", aws_secret_access_key: "S", region_name: "eu-west-2" }).kind;
console.log(JSON.stringify(out));
`;

/** CommonJS: require() of the ESM-only package. */
export const REQUIRE_CJS = `
try {
  const { createObjectStoreInstance } = require("@objstore/objstore");
  console.log(JSON.stringify({ required: createObjectStoreInstance().kind }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }));
}
`;

/** LibSQL without @libsql/client installed: UNSUPPORTED naming the package. */
export const LIBSQL_MISSING_MJS = `
import { createObjectStoreInstance } from "@objstore/objstore/node";
const store = createObjectStoreInstance({ Type: "LibSQL", url: "file:x.db" });
try {
  await store.get("T", "k");
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }));
}
`;

/** A consumer's TypeScript: interfaces as values, generics, every entry point. */
export const CONSUMER_TS = `
import { createObjectStoreInstance, type ObjectStore, type StoredObject, WrongObjectVersionError } from "@objstore/objstore";
import "@objstore/objstore/dynamodb";
import "@objstore/objstore/libsql";
import "@objstore/objstore/remote";
import "@objstore/objstore/indexeddb";
import "@objstore/objstore/caching";
import "@objstore/objstore/migrating";
import { createObjectStoreFromEnv, serve } from "@objstore/objstore/node";
import { createApp } from "@objstore/objstore/http";
import worker from "@objstore/objstore/worker";
import { Hono } from "hono";

interface Person {
  name: string;
  age?: number;
  tags: string[];
}

export async function use(store: ObjectStore): Promise<StoredObject<Person> | undefined> {
  const ann: Person = { name: "Ann", tags: ["a"] };
  const { version } = await store.save("Person", "ann", ann);
  await store.update<Person>("Person", "ann", (current) => ({ ...(current ?? ann), age: 35 }), version);
  await store.transaction(async (tx) => {
    const person: Person = { name: "Bob", tags: [] };
    await tx.save("Person", "bob", person);
  });
  const page = await store.page<Person>("Person", { sort: "age:desc" });
  for (const object of page.result) object.value.name.toUpperCase();
  for await (const object of store.scan<Person>("Person")) object.value.tags.join(",");
  try {
    await store.save("Person", "ann", ann, version);
  } catch (e) {
    if (!(e instanceof WrongObjectVersionError)) throw e;
  }
  return store.get<Person>("Person", "ann");
}

const app = new Hono();
app.route("/store", createApp(createObjectStoreInstance()));
export const fetchHandler: (request: Request) => Response | Promise<Response> = app.fetch;
export const fromEnv: ObjectStore = createObjectStoreFromEnv({});
export const started: Promise<{ url: string }> = serve({ port: 0 });
export const handler: (request: Request, env: {}) => Promise<Response> = worker.fetch;
`;

/** Node: the app of @objstore/objstore/http serves the OpenAPI document (the default condition registers it). */
export const OPENAPI_NODE_MJS = `
import { createObjectStoreInstance } from "@objstore/objstore";
import { createApp } from "@objstore/objstore/http";
const res = await createApp(createObjectStoreInstance()).request("/openapi.json");
console.log(JSON.stringify({ status: res.status, openapi: (await res.json()).openapi }));
`;

/** A Worker with a Memory store: the app of @objstore/objstore/http over it. */
export const WORKER_MEMORY = `
import { createObjectStoreInstance } from "@objstore/objstore";
import { createApp } from "@objstore/objstore/http";
const app = createApp(createObjectStoreInstance({ Type: "Memory" }));
export default { fetch: (request) => app.fetch(request) };
`;

/** A Worker with a DynamoDB store from its env. */
export const WORKER_DYNAMODB = `
import "@objstore/objstore/dynamodb";
import { createObjectStoreFromEnv } from "@objstore/objstore";
import { createApp } from "@objstore/objstore/http";
let app;
export default {
  fetch(request, env) {
    app ??= createApp(createObjectStoreFromEnv(env));
    return app.fetch(request);
  },
};
`;

/** A browser app that uses a Memory store. */
export const BROWSER_MEMORY = `
import { createObjectStoreInstance } from "@objstore/objstore";
const store = createObjectStoreInstance();
export async function run() {
  await store.save("Note", "n1", { text: "hi" });
  return (await store.get("Note", "n1")).value.text;
}
`;

/** An error from the package's core, for its stack trace under `node --enable-source-maps`. */
export const TRACE_MJS = `
import { createObjectStoreInstance } from "@objstore/objstore";
try {
  await createObjectStoreInstance().save("", "k", 1);
} catch (e) {
  console.log(JSON.stringify({ code: e.code, stack: e.stack }));
}
`;
