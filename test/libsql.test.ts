// The libSQL driver on a `:memory:` database and on a `file:` database (a new temp dir per
// store), through the native client the runtime entry points inject.
import { createClient } from "@libsql/client";
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";

conformance("LibSQL :memory:", (options) =>
  createObjectStoreInstance({ Type: "LibSQL", url: ":memory:" }, { ...options, libsqlCreateClient: createClient }));

const dir = mkdtempSync(join(tmpdir(), "objstore-libsql-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
conformance("LibSQL file:", (options) =>
  createObjectStoreInstance(
    { Type: "SQLAlchemy", connectionString: `file:${join(dir, `db${++n}.sqlite`)}` },
    { ...options, libsqlCreateClient: createClient },
  ));
