// The conformance suite on `"layout": "original"` SimpleFileStore: the same behaviour as every
// backend, on the Python original's folders and files. Keys and types are limited by the
// layout's base64 file names (at most 189 UTF-8 bytes), so the cases that use longer ones are
// skipped with that reason.
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";
import { afterAll, test } from "bun:test";

afterAll(removeTempDirs);
// Bun only: the driver is the objstore SimpleFileStore's, whose suites (test/file.test.ts) run on
// every runtime's file system; this suite adds the layout, the same code on each runtime.
const onBun = "Bun" in globalThis;
const LONG = "the original layout names files in base64: keys and types of at most 189 UTF-8 bytes";
if (!onBun) test.skip("SimpleFileStore original layout conformance (skipped: runs under Bun only, see above)", () => {});
else conformance(
  "SimpleFileStore, original layout",
  (options) => createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: tempDir(), layout: "original" }, { ...options, fileSystem }),
  {
    differentialOperations: 500,
    skip: {
      "odd keys round-trip through save, get, page, scan, update and remove": LONG,
      "odd types round-trip and stay apart": LONG,
    },
  },
);
