/**
 * A Cloudflare Worker serving the objstore HTTP API over a store of your choice: here Memory
 * (one store per isolate), or DynamoDB when the `APIAPP_OBJECTSTORECONFIG` binding says so.
 * Only the drivers imported here are bundled (Memory-only: under 25 KB gzip; with DynamoDB:
 * under 40 KB). In a Worker, `@objstore/objstore/http` leaves the OpenAPI document (~3 KB gzip)
 * out and `/openapi.json` answers 404; add `import "@objstore/objstore/openapi"` to serve it.
 *
 *   npx wrangler dev examples/worker.ts
 *
 * In your Worker, import from "@objstore/objstore", "@objstore/objstore/dynamodb" and
 * "@objstore/objstore/http" instead of the paths below. To serve any configured store without
 * choosing drivers, `export { default } from "@objstore/objstore/worker"`.
 */
import "../src/drivers/register/dynamodb.ts";
import { createObjectStoreFromEnv } from "../mod.ts";
import { createApp } from "../src/http/lean.ts"; // what "@objstore/objstore/http" is in a Worker

interface Env {
  APIAPP_OBJECTSTORECONFIG?: string;
  API_TOKEN?: string;
}

let app: ReturnType<typeof createApp> | undefined;

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    app ??= createApp(createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: env.APIAPP_OBJECTSTORECONFIG }), { token: env.API_TOKEN || undefined });
    return app.fetch(request);
  },
};
