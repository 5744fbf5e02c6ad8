/**
 * objstore as a Cloudflare Worker: the HTTP API (docs/http.md) over the store configured by the
 * `APIAPP_OBJECTSTORECONFIG` binding (JSON text, or a JSON object from `[vars]`). Memory,
 * Remote, DynamoDB and libSQL over HTTP work here (no file system, no native client).
 * `/openapi.json` serves the OpenAPI document (this adapter imports `@objstore/objstore/openapi`).
 * `API_TOKEN` turns on the bearer token (`API_TOKENS`: several, with scopes); `CORS_ORIGINS` (comma-separated) turns on CORS.
 * The store and app are made once per isolate (a Memory store lives as long as the isolate).
 * See wrangler.toml.
 *
 * @example
 * ```ts
 * // src/index.ts of a Worker project
 * export { default } from "@objstore/objstore/worker";
 * ```
 *
 * @module
 */
import "../src/drivers/register/caching.ts";
import "../src/drivers/register/d1.ts";
import "../src/drivers/register/dynamodb.ts";
import "../src/drivers/register/libsql.ts";
import "../src/drivers/register/migrating.ts";
import "../src/drivers/register/multitenant.ts";
import "../src/drivers/register/remote.ts";
import "../src/register/double-string-index.ts";
import "../src/register/openapi.ts";
import "../src/register/tenants.ts";
import { createObjectStoreFromEnv } from "../mod.ts";
import type { ObjectStore } from "../mod.ts";
import type { D1DatabaseLike } from "../src/drivers/d1/driver.ts";
import { createApp } from "../src/http/app.ts";
import { errorResponse } from "../src/http/errors.ts";

/** The bindings the Worker reads. */
export interface WorkerEnv {
  /** The store config: JSON text, or an object from `[vars]`. @default Memory */
  APIAPP_OBJECTSTORECONFIG?: string | Record<string, unknown>;
  /** When set, `/api/*` needs `Authorization: Bearer <token>`. */
  API_TOKEN?: string;
  /** Scoped tokens, `token:scope` comma-separated (scopes `read`, `write`, `replicate`). */
  API_TOKENS?: string;
  /** Allowed CORS origins, comma-separated, or `*`. @default CORS off */
  CORS_ORIGINS?: string;
}

interface Served {
  signature: string;
  store: ObjectStore;
  fetch: (request: Request) => Response | Promise<Response>;
}

let served: Served | undefined;

function appFor(env: WorkerEnv): Served {
  const config = env.APIAPP_OBJECTSTORECONFIG;
  const configText = typeof config === "object" && config !== null ? JSON.stringify(config) : config;
  const signature = JSON.stringify([configText ?? "", env.API_TOKEN ?? "", env.API_TOKENS ?? "", env.CORS_ORIGINS ?? ""]);
  if (served?.signature === signature) return served;
  // A D1 config names its binding; the Worker's env holds it (resolved when the store is made).
  const bindings = env as unknown as Record<string, unknown>;
  const store = createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: configText }, { d1: (name) => bindings[name] as D1DatabaseLike | undefined });
  const cors = env.CORS_ORIGINS ? env.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : undefined;
  const app = createApp(store, { token: env.API_TOKEN || undefined, tokens: env.API_TOKENS || undefined, cors });
  served = { signature, store, fetch: (request) => app.fetch(request) };
  return served;
}

/** The Worker module: `fetch(request, env)`. */
const worker: { fetch(request: Request, env: WorkerEnv): Promise<Response> } = {
  async fetch(request, env) {
    try {
      return await appFor(env ?? {}).fetch(request);
    } catch (e) {
      // A bad config binding: the error names the problem (never a secret); no stack.
      const { status, body } = errorResponse(e);
      return Response.json(body, { status });
    }
  },
};

export default worker;
