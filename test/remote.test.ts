import { afterAll, beforeAll } from "bun:test";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { multiStoreServer } from "./http-live.ts";

// The whole suite through the Remote driver against a live server on 127.0.0.1, one isolated
// Memory store per factory call (served under /s/<n> by the same server).
let server: Awaited<ReturnType<typeof multiStoreServer>>;
beforeAll(async () => {
  server = await multiStoreServer();
});
afterAll(async () => {
  await server.close();
});

// Skipped: the case assumes all eight transactions' first reads land before any commit, which
// holds in-process but not over HTTP (seen on Node: undici sent the winner's commit before a
// slower transaction's read, which then saw version 2 inside fn; on Bun/Deno it passes only by
// timing). The conflict itself is covered by "8 concurrent saves with the same version: exactly
// one wins", the commit-conflict cases, and remote-specific.test.ts runs the same case with a
// barrier after the eight reads.
const skip: Record<string, string> = {
  "8 concurrent transactions saving one object with the same version: exactly one wins": "reads and commits interleave over HTTP (see above)",
};

conformance("Remote", (options) => createObjectStoreInstance({ Type: "Remote", url: server.url() }, options), { skip });
