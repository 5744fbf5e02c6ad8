// The libSQL driver over HTTP (Hrana, the web client from `@libsql/client/web` that edge
// runtimes use) against test/hrana's server, backed by a real libSQL database file. Every
// store of the suite gets its own objectPrefix in that one database, so this also shows
// prefixes isolate stores.
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { type HranaServer, startHranaServer } from "./hrana/server.ts";

const dir = mkdtempSync(join(tmpdir(), "objstore-hrana-"));
let server: HranaServer;
beforeAll(async () => {
  server = await startHranaServer({ path: join(dir, "db.sqlite"), authToken: "test-token" });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
conformance(
  "LibSQL over HTTP",
  (options) => createObjectStoreInstance({ Type: "LibSQL", url: server.url, authToken: "test-token", objectPrefix: `s${++n}` }, options),
  // The SQL is the same as on :memory: and file: (2000 operations per seed there); over HTTP
  // only the transport differs, and each operation costs a local HTTP round trip or two.
  { differentialOperations: 1000 },
);
