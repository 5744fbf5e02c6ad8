/**
 * Importing this module makes `GET /openapi.json` of every `createApp` serve the OpenAPI 3.1
 * document of the HTTP API. `@objstore/objstore/http` imports it on Node, Deno and Bun, and so
 * do the servers (`serve()`, `objstore serve`) and `@objstore/objstore/worker`; in a Worker or a
 * browser bundle (the `workerd`, `worker` and `browser` conditions) `/http` leaves the document
 * (~3 KB gzip) out and `/openapi.json` answers 404 until this module is imported.
 *
 * @example
 * ```ts
 * import "@objstore/objstore/openapi";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * import { createApp } from "@objstore/objstore/http";
 * const app = createApp(createObjectStoreInstance());
 * const document = await (await app.request("/openapi.json")).json();
 * ```
 *
 * @module
 */
import { OPENAPI_DOCUMENT } from "../http/openapi-document.ts";
import { registerOpenApiDocument } from "../http/openapi-slot.ts";

registerOpenApiDocument(OPENAPI_DOCUMENT);

export { OPENAPI_DOCUMENT };
