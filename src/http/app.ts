/**
 * `createApp(store, options)`: the HTTP API as a Hono app (web APIs only, so it runs on every
 * runtime and in a Worker). See docs/http.md.
 *
 * @module
 */
// Hono with its PatternRouter: the same routing for our fixed routes, ~2.5 KB gzip less in a
// Worker bundle than the default SmartRouter (RegExpRouter + TrieRouter).
import { Hono as TinyHono } from "hono/tiny";
import type { HonoBase } from "hono/hono-base";
import type { ContentfulStatusCode as HonoContentfulStatusCode, StatusCode as HonoStatusCode } from "hono/utils/http-status";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { InvalidInputError } from "../errors.ts";
import type { ObjectStore } from "../types.ts";
import { parseTokens, type TokenGrant, tokenAuth, type TokenVariables } from "./auth.ts";
import { changesRoute } from "./changes.ts";
import { errorResponse, HttpError } from "./errors.ts";
import { json, notAllowed, OBJECT_METHODS, objectResponse } from "./objects.ts";
import { registeredOpenApiDocument } from "./openapi-slot.ts";
import { readiness } from "./ready.ts";
import { queryRecords } from "./records.ts";
import { checkConnected, objectPath, pageParams, parseJson, readBody, typesParams } from "./request.ts";
import { checkStoredType, isPlainType, recordDriver, storedTypes, type View } from "./tenancy.ts";
import { runTransaction } from "./transactions.ts";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** One read-write token: when set (or `tokens`), every `/api/*` request needs `Authorization: Bearer <token>`. @default undefined */
  token?: string;
  /**
   * Tokens with scopes (`read`, `write`, `replicate`), each optionally bound to a tenant, as a
   * list or in the `API_TOKENS` format (`"t1:read,t2:write,t3:replicate,t4:write@acme"`); added
   * to `token`. A bound token sees only its tenant's store (`store.forTenant(tenant)`).
   * @default undefined
   */
  tokens?: string | TokenGrant[];
  /** Origins allowed by CORS (`"*"` for any); none turns CORS off. @default undefined */
  cors?: string | string[];
  /** Largest request body in bytes; larger is 413. @default 1048576 (1 MB) */
  bodyLimit?: number;
  /** Largest `limit` of a record-level `POST /api/query`. @default 10000 */
  maxQueryLimit?: number;
  /** The server's clock for the stamps of record-level writes. @default () => new Date() */
  now?: () => Date;
}

/** The variables a request carries through the app: the scope of its token and its tenant. */
export interface AppEnv {
  /** What the request's token may do (`scope`, unset when the app has no tokens) and the tenant it is bound to. */
  Variables: TokenVariables;
}

const OBJECTS = "/api/objects/";
/** The methods each path takes, for the `Allow` of a 405. */
const ALLOWED: [RegExp, string][] = [
  [/^\/(health|ready|openapi\.json|api\/types)$/, "GET, HEAD"],
  [/^\/api\/objects\/[^/]+$/, "GET, HEAD"],
  [/^\/api\/objects\/[^/]+\/.+$/, OBJECT_METHODS],
  [/^\/api\/object$/, OBJECT_METHODS],
  [/^\/api\/(transactions|query|changes)$/, "POST"],
];
const NO_OPENAPI = 'The OpenAPI document is not loaded: import "@objstore/objstore/openapi"';
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** POST routes that only read (a read-only token may call them). */
const READ_POSTS = new Set(["/api/query", "/api/changes"]);

/**
 * The HTTP API over a store: `/health`, `/ready`, `/openapi.json`, `/api/types`,
 * `/api/objects/:type[/:key]`, `/api/transactions`, plus the record-level `/api/query`, the
 * Offline store's change feed `/api/changes` and the
 * query-string form `/api/object?type=&key=` (for `.` and `..`, which URLs cannot carry as path
 * segments). Its routes are typed for Hono's `hc` client.
 *
 * @example
 * ```ts
 * const app = createApp(createObjectStoreInstance(), { token: "s3cret" });
 * const res = await app.request("/api/types", { headers: { Authorization: "Bearer s3cret" } });
 * ```
 */
export function createApp(store: ObjectStore, options: AppOptions = {}): ObjstoreApp {
  return routes(store, options);
}

// Hono's types, under local names: `deno doc --lint` counts a type from an npm package as
// private (deno issue 27364), and `@internal` tells it these are meant to stay unexported.
/**
 * Hono's app over these routes.
 * @internal
 */
type HonoApp = HonoBase<AppEnv, ObjstoreRoutes, "/", "/">;
/**
 * Hono's status codes.
 * @internal
 */
type StatusCode = HonoStatusCode;
/**
 * Hono's status codes of responses with a body.
 * @internal
 */
type ContentfulStatusCode = HonoContentfulStatusCode;

/** An endpoint answering a Response its handler built (Hono types its body as `{}`, any format). */
export interface RawEndpoint<I extends object = Record<never, never>> {
  /** The path parameters (`param`), when the route has any. */
  input: I;
  /** The body, as Hono's client types it. */
  output: Record<never, never>;
  /** The body's format, as Hono's client types it. */
  outputFormat: string;
  /** The response status. */
  status: StatusCode;
}
/** The path parameters of `/api/objects/:type/:key`. */
export type ObjectParams = { param: { type: string } & { key: string } };

/**
 * The routes of {@link createApp}, as Hono's client (`hc`) sees them: path, then `$method`,
 * then the endpoint's input (path parameters), output and status.
 */
export type ObjstoreRoutes = {
  "/health": { $get: { input: Record<never, never>; output: { ok: true }; outputFormat: "json"; status: ContentfulStatusCode } };
  "/ready": { $get: RawEndpoint };
  "/openapi.json": { $get: RawEndpoint };
  "/api/types": { $get: RawEndpoint };
  "/api/objects/:type": { $get: RawEndpoint<{ param: { type: string } }> };
  "/api/objects/:type/:key{.+}": { $get: RawEndpoint<ObjectParams>; $put: RawEndpoint<ObjectParams>; $delete: RawEndpoint<ObjectParams> };
  "/api/object": { $get: RawEndpoint; $put: RawEndpoint; $delete: RawEndpoint };
  "/api/transactions": { $post: RawEndpoint };
  "/api/query": { $post: RawEndpoint };
  "/api/changes": { $post: RawEndpoint };
};

/** The app {@link createApp} returns (a Hono app), for `hc<ObjstoreApp>(url)` and `app.route(path, app)`. */
export type ObjstoreApp = HonoApp;

// ObjstoreRoutes must describe exactly the routes below: tsc fails here when one is added,
// removed or retyped without the other.
type Routes = ReturnType<typeof routes> extends HonoBase<AppEnv, infer S, "/", string> ? S : never;
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
type _RoutesMatch = Check<Exactly<Routes, ObjstoreRoutes>>;

function routes(store: ObjectStore, options: AppOptions) {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const maxQueryLimit = options.maxQueryLimit ?? 10_000;
  const now = options.now ?? (() => new Date());
  const stamp = () => now().toISOString();
  const grants = tokenGrants(options);
  const app = new TinyHono<AppEnv>();
  // The store of each tenant a token is bound to, made once (an unknown feature or tenant fails here).
  const tenants = new Map<string, ObjectStore>();
  const viewOf = (c: { get(name: "tenant"): string | undefined }): View => {
    const tenant = c.get("tenant");
    return tenant === undefined ? { store } : { store: tenants.get(tenant)!, tenant };
  };
  /** The object-route arguments for a type name: a stored name reads from the driver. */
  const target = (view: View, type: string) => {
    checkStoredType(type, view.tenant);
    return isPlainType(type) ? undefined : recordDriver(view, "stored type names");
  };

  app.onError((e, c) => {
    if (e instanceof HTTPException) return e.getResponse();
    const { status, body } = errorResponse(e);
    if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="objstore"');
    if (e instanceof HttpError) for (const [name, value] of Object.entries(e.headers)) c.header(name, value);
    return c.json(body, status as 400);
  });
  app.notFound((c) => {
    // A known path with another method: 405 with Allow (found here, so a hit stays one handler).
    const allow = ALLOWED.find(([pattern]) => pattern.test(c.req.path))?.[1];
    if (allow) throw notAllowed(allow);
    return c.json({ error: { code: "NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}` } }, 404);
  });

  if (options.cors !== undefined) {
    app.use("*", cors({
      origin: options.cors,
      allowMethods: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "If-Match", "If-None-Match"],
      exposeHeaders: ["ETag", "Location"],
      maxAge: 600,
    }));
  }
  // Without tokens every caller is read-write (`scope` unset); verbatim writes need a replicate token.
  if (grants.length > 0) {
    app.use("/api/*", tokenAuth(grants));
    for (const { tenant } of grants) if (tenant !== undefined && !tenants.has(tenant)) tenants.set(tenant, store.forTenant(tenant));
    app.use("/api/*", async (c, next) => {
      if (c.get("scope") === "read" && !READ_METHODS.has(c.req.method) && !(c.req.method === "POST" && READ_POSTS.has(c.req.path))) {
        throw new HttpError(403, "FORBIDDEN", "This token is read-only (scope read): it cannot change anything");
      }
      await next();
    });
  }

  let openapi: string | undefined;
  const routes = app
    .get("/health", (c) => c.json({ ok: true as const }))
    .get("/ready", async () => {
      const state = await readiness(store);
      return json(state.ok ? 200 : 503, state);
    })
    .get("/openapi.json", () => {
      // Generated from the route schemas ahead of time (scripts/openapi.mjs), registered by its own
      // module so a Worker or page bundle can leave it out.
      const document = registeredOpenApiDocument();
      if (document === undefined) throw new HttpError(404, "UNSUPPORTED", NO_OPENAPI);
      openapi ??= JSON.stringify(document);
      return new Response(openapi, { headers: { "Content-Type": "application/json; charset=utf-8" } });
    })
    .get("/api/types", async (c) => {
      const view = viewOf(c);
      return json(200, typesParams(searchOf(c)) ? await storedTypes(view) : await view.store.types());
    })
    .get("/api/objects/:type", async (c) => {
      const { type } = objectPath(c.req.url, OBJECTS);
      return json(200, await viewOf(c).store.page(type, pageParams(searchOf(c))));
    })
    .on(["GET", "PUT", "DELETE"], "/api/objects/:type/:key{.+}", (c) => {
      const { type, key } = objectPath(c.req.url, OBJECTS);
      const view = viewOf(c);
      return objectResponse(view.store, c.req.raw, type, key!, bodyLimit, target(view, type));
    })
    .on(["GET", "PUT", "DELETE"], "/api/object", (c) => {
      const search = searchOf(c);
      const [type, view] = [single(search, "type"), viewOf(c)];
      return objectResponse(view.store, c.req.raw, type, single(search, "key"), bodyLimit, target(view, type));
    })
    .post("/api/transactions", async (c) => {
      const input = parseJson(await readBody(c.req.raw, bodyLimit));
      checkConnected(c.req.raw);
      const view = viewOf(c);
      const { status, body } = await runTransaction(view.store, input, c.get("scope") ?? "write", stamp, view.tenant);
      return json(status, body);
    })
    .post("/api/query", async (c) => {
      const view = viewOf(c);
      const driver = recordDriver(view, "record-level queries");
      return json(200, await queryRecords(driver, parseJson(await readBody(c.req.raw, bodyLimit)), maxQueryLimit, view.tenant));
    })
    .post("/api/changes", changesRoute(viewOf, bodyLimit));

  return routes;
}


function tokenGrants(options: AppOptions): TokenGrant[] {
  const grants: TokenGrant[] = [];
  if (options.token !== undefined) {
    if (typeof options.token !== "string" || options.token === "") {
      throw new InvalidInputError("INVALID_ARGUMENT", "Invalid token: expected a non-empty string");
    }
    grants.push({ token: options.token, scope: "write" });
  }
  if (typeof options.tokens === "string") grants.push(...parseTokens(options.tokens));
  else if (options.tokens !== undefined) {
    if (!Array.isArray(options.tokens)) throw new InvalidInputError("INVALID_ARGUMENT", "Invalid tokens: expected a list or an API_TOKENS string");
    grants.push(...options.tokens);
  }
  return grants;
}

function searchOf(c: { req: { url: string } }): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

function single(search: URLSearchParams, name: string): string {
  const values = search.getAll(name);
  if (values.length !== 1) {
    throw new HttpError(400, name === "type" ? "INVALID_OBJECT_TYPE" : "INVALID_KEY", `Invalid ${name}: give it exactly once`);
  }
  return values[0]!;
}
