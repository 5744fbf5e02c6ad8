// The whole conformance suite on a Migrating store over a real backend (Memory → libSQL file);
// no mirror to To may fail while it runs. (libSQL file → SimpleFileStore passed too, but costs
// ~27 s per runtime; the CLI test migrates between those two.)
import { createClient } from "@libsql/client";
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import type { MirrorFailure } from "../src/composites/migrating.ts";
import { conformance } from "./conformance/mod.ts";
import { removeTempDirs, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);
const failures: MirrorFailure[] = [];
const onMirrorError = (f: MirrorFailure) => void failures.push(f);

let n = 0;
conformance("Migrating(Memory → libSQL file)", (options) =>
  createObjectStoreInstance({
    Type: "Migrating",
    From: { Type: "Memory" },
    To: { Type: "LibSQL", url: `file:${join(tempDir("objstore-migrating-"), `to${++n}.db`)}` },
  }, { ...options, libsqlCreateClient: createClient, onMirrorError }), { differentialOperations: 600 });

test("no mirror to To failed during the suites above", () => {
  expect(failures.map((f) => String((f.cause as Error)?.message ?? f.cause))).toEqual([]);
});
