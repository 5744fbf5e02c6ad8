/**
 * The HTTP API (docs/http.md): `createApp(store, options)` returns a Hono app serving a store.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * import { createApp } from "@objstore/objstore/http";
 * const app = createApp(createObjectStoreInstance(), { token: "s3cret" });
 * export default app; // Bun/Deno/Workers serve a { fetch } export
 * ```
 *
 * @module
 */
export { type AppEnv, type AppOptions, createApp, type ObjectParams, type ObjstoreApp, type ObjstoreRoutes, type RawEndpoint } from "./app.ts";
export type { Scope, TokenGrant, TokenVariables } from "./auth.ts";
export { type ErrorBody, errorFromResponse, errorResponse, HttpError } from "./errors.ts";
export type { WireQuery, WireRecord, WireWrite } from "./records.ts";
