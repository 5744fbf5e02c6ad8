// The whole conformance suite on a Caching store over a real backend: Main in a libSQL file,
// the cache in Memory. (A persistent cache store, served again after a restart, is covered in
// caching-persistent. The whole suite with the cache in a SimpleFileStore passed too, but
// costs ~10 s per runtime.)
import { createClient } from "@libsql/client";
import { afterAll } from "bun:test";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { removeTempDirs, tempDir } from "./file/runtime.ts";

const policy = { cache: true, maxCacheSize: 50, cullToSize: 25, timeout: 60_000 };
afterAll(removeTempDirs);

let n = 0;
conformance("Caching(Memory cache → libSQL file)", (options) =>
  createObjectStoreInstance({
    Type: "Caching",
    Main: { Type: "LibSQL", url: `file:${join(tempDir("objstore-caching-"), `main${++n}.db`)}` },
    Caching: { Type: "Memory" },
    DefaultPolicy: policy,
  }, { ...options, libsqlCreateClient: createClient }), { differentialOperations: 600 });
