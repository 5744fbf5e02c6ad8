/**
 * The HTTP API (docs/http.md): `createApp(store, options)` returns a Hono app serving a store.
 * This entry serves the OpenAPI document at `/openapi.json` (it imports
 * `@objstore/objstore/openapi`); in Worker and browser bundles (the `workerd`, `worker` and
 * `browser` conditions) `@objstore/objstore/http` leaves the document out, and importing
 * `@objstore/objstore/openapi` brings it back. Here bearer tokens are read by `hono/bearer-auth`;
 * the Worker and browser entry parses the header the same way with less code.
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
import "../register/openapi.ts";
import "./hono-bearer.ts";

export * from "./lean.ts";
