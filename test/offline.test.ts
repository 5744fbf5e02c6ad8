import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { REPLICATED } from "./support/offline.ts";


conformance("Offline(Memory→Memory)", (options) =>
  createObjectStoreInstance({ Type: "Offline", Main: { Type: "Memory" }, Local: { Type: "Memory" }, Types: REPLICATED, SyncInterval: 0 }, options), { differentialOperations: 500 });
