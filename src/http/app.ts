/**
 * `createApp(store, options)`: the HTTP API (docs/http.md) as a Hono app (web APIs only, so it
 * runs on every runtime and in a Worker).
 *
 * @module
 */
import type { Hono } from "hono";
// Hono with its PatternRouter: the same routing for our few fixed routes, ~2.5 KB gzip less in a
// Worker bundle than the default SmartRouter (RegExpRouter + TrieRouter).
import { Hono as TinyHono } from "hono/tiny";
import { cors } from "hono/cors";
import { InvalidInputError, ObjectStoreError } from "../errors.ts";
import { driverOf } from "../store.ts";
import type { ObjectStore } from "../types.ts";
import { bearerCheck } from "./auth.ts";
import { changesRoute } from "./changes.ts";
import { errorResponse, HttpError } from "./errors.ts";
import { json, notAllowed, objectResponse } from "./objects.ts";
import { queryRecords } from "./records.ts";
import { objectPath, pageParams, parseJson, readBody } from "./request.ts";
import { runTransaction } from "./transactions.ts";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** When set, every `/api/*` request needs `Authorization: Bearer <token>`. @default undefined */
  token?: string;
  /** Origins allowed by CORS (`"*"` for any); none turns CORS off. @default undefined */
  cors?: string | string[];
  /** Largest request body in bytes; larger is 413. @default 1048576 (1 MB) */
  bodyLimit?: number;
  /** Largest `limit` of a record-level `POST /api/query`. @default 10000 */
  maxQueryLimit?: number;
}

const OBJECTS = "/api/objects/";

/**
 * The HTTP API over a store: `/health`, `/api/types`, `/api/objects/:type[/:key]`,
 * `/api/transactions`, plus the record-level `/api/query` and the query-string form
 * `/api/object?type=&key=` (for `.` and `..`, which URLs cannot carry as path segments).
 *
 * @example
 * ```ts
 * const app = createApp(createObjectStoreInstance(), { token: "s3cret" });
 * const res = await app.request("/api/types", { headers: { Authorization: "Bearer s3cret" } });
 * ```
 */
export function createApp(store: ObjectStore, options: AppOptions = {}): Hono {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const maxQueryLimit = options.maxQueryLimit ?? 10_000;
  const app: Hono = new TinyHono();

  app.onError((e, c) => {
    const { status, body } = errorResponse(e);
    if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="objstore"');
    return c.json(body, status as 400);
  });
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}` } }, 404));

  if (options.cors !== undefined) {
    app.use("*", cors({
      origin: options.cors,
      allowMethods: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "If-Match", "If-None-Match"],
      exposeHeaders: ["ETag"],
      maxAge: 600,
    }));
  }
  if (options.token !== undefined) {
    if (typeof options.token !== "string" || options.token === "") {
      throw new InvalidInputError("INVALID_ARGUMENT", "Invalid token: expected a non-empty string");
    }
    const check = bearerCheck(options.token);
    app.use("/api/*", async (c, next) => {
      await check(c.req.header("authorization"));
      await next();
    });
  }

  app.get("/health", (c) => c.json({ ok: true }));
  app.get("/api/types", async () => json(200, await store.types()));

  app.all("/api/objects/*", async (c) => {
    const { type, key } = objectPath(c.req.url, OBJECTS);
    if (key !== undefined) return objectResponse(store, c.req.raw, type, key, bodyLimit);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") throw notAllowed("GET, HEAD");
    return json(200, await store.page(type, pageParams(new URL(c.req.url).searchParams)));
  });

  app.all("/api/object", async (c) => {
    const search = new URL(c.req.url).searchParams;
    return objectResponse(store, c.req.raw, single(search, "type"), single(search, "key"), bodyLimit);
  });

  app.all("/api/transactions", async (c) => {
    if (c.req.method !== "POST") throw notAllowed("POST");
    const { status, body } = await runTransaction(store, parseJson(await readBody(c.req.raw, bodyLimit)));
    return json(status, body);
  });

  app.all("/api/query", async (c) => {
    if (c.req.method !== "POST") throw notAllowed("POST");
    const driver = driverOf(store);
    if (!driver) throw new ObjectStoreError("UNSUPPORTED", "This store does not take record-level queries");
    return json(200, await queryRecords(driver, parseJson(await readBody(c.req.raw, bodyLimit)), maxQueryLimit));
  });

  app.all("/api/changes", changesRoute(store, bodyLimit));

  return app;
}

function single(search: URLSearchParams, name: string): string {
  const values = search.getAll(name);
  if (values.length !== 1) {
    throw new HttpError(400, name === "type" ? "INVALID_OBJECT_TYPE" : "INVALID_KEY", `Invalid ${name}: give it exactly once`);
  }
  return values[0]!;
}
