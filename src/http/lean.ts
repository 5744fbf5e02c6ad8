/**
 * `@objstore/objstore/http` for Workers and browsers (the `workerd`, `worker` and `browser`
 * conditions of package.json): the same exports as `mod.ts`, without registering the OpenAPI
 * document (~3 KB gzip), so `/openapi.json` answers 404 until `@objstore/objstore/openapi` is
 * imported, and with the bearer header read by `readBearer` instead of `hono/bearer-auth`
 * (same parsing, ~1 KB gzip less).
 *
 * @module
 */
export { type AppEnv, type AppOptions, createApp, type ObjectParams, type ObjstoreApp, type ObjstoreRoutes, type RawEndpoint } from "./app.ts";
export type { Scope, TokenGrant, TokenVariables } from "./auth.ts";
export { type ErrorBody, errorFromResponse, errorResponse, HttpError } from "./errors.ts";
export type { WireQuery, WireRecord, WireWrite } from "./records.ts";
