import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";

const policy = { cache: true, maxCacheSize: 50, cullToSize: 25, timeout: 60_000 };

conformance("Caching(Memory→Memory)", (options) =>
  createObjectStoreInstance({ Type: "Caching", Main: { Type: "Memory" }, Caching: { Type: "Memory" }, DefaultPolicy: policy }, options));
