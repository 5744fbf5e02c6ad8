import { afterAll, beforeAll } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { multiStoreServer } from "./http-live.ts";

// The whole suite through the Remote driver against a live server on 127.0.0.1, one isolated
// Memory store per factory call (served under /s/<n> by the same server). The server sets the
// stamps of every write, so it runs on the suite's clock.
let server: Awaited<ReturnType<typeof multiStoreServer>>;
beforeAll(async () => {
  server = await multiStoreServer();
});
afterAll(async () => {
  await server.close();
});

// Every operation is an HTTP round trip: a shorter differential run, with room on a loaded machine.
conformance("Remote", (options) => createObjectStoreInstance({ Type: "Remote", url: server.url({ now: options.now }) }, options), { differentialOperations: 1000, slowTimeout: 180_000 });
