import { afterAll } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { bindingName, fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";

// The whole suite on this runtime's binding (denoFileSystem under Deno, bunFileSystem under Bun,
// nodeFileSystem under Node), each store in its own temp folder.
conformance(`SimpleFileStore (${bindingName})`, (options) =>
  createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: tempDir() }, { ...options, fileSystem }), {
  differentialOperations: 600,
});

afterAll(removeTempDirs);
