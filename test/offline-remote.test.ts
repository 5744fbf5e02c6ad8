// The conformance suite on Offline(Remote → IndexedDB under fake-indexeddb): Main is a live
// objstore server on 127.0.0.1 (its change feed in use), Local a fresh IndexedDB per store.
import "../src/drivers/register/all.ts";
import { afterAll, beforeAll } from "bun:test";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { multiStoreServer } from "./http-live.ts";
import { REPLICATED_FEW } from "./support/offline.ts";

let server: Awaited<ReturnType<typeof multiStoreServer>>;
beforeAll(async () => {
  server = await multiStoreServer();
});
afterAll(async () => {
  await server.close();
});

let n = 0;
conformance("Offline(Remote→IndexedDB)", (options) =>
  createObjectStoreInstance(
    { Type: "Offline", Main: { Type: "Remote", url: server.url({ now: options.now }) }, Local: { Type: "IndexedDB", dbName: `offline-${++n}` }, Types: REPLICATED_FEW, SyncInterval: 0 },
    { ...options, indexedDB: { indexedDB: new IDBFactory(), IDBKeyRange } },
  ), { differentialOperations: 500 });
