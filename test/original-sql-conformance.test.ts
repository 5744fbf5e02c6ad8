// The conformance suite on `"layout": "original"` SQLAlchemy configs (MariaDB and SQLite): the
// same behaviour as every backend, on the Python original's `_objData` tables. The layout's
// columns hold types of at most 50 and keys of at most 140 characters (VARCHAR(50), VARCHAR(140)),
// and a Python-made MySQL table compares keys case-insensitively, so the cases that need more are
// skipped with that reason.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { conformance } from "./conformance/mod.ts";
import { useSqlServer } from "./support/sql-servers.ts";
import { afterAll, test } from "bun:test";

// Bun only: the driver is the same code on every runtime, and test/original-sql.test.ts runs
// the layout's own cases (Python's rows, concurrency, the seed's migration) on each of them.
const onBun = "Bun" in globalThis;
let n = 0;
const LONG = "the original layout's columns hold types of at most 50 and keys of at most 140 characters";
const skip = {
  "odd keys round-trip through save, get, page, scan, update and remove": LONG,
  "odd types round-trip and stay apart": LONG,
  "tenant names follow the object-type rules, with a typed error": `${LONG}: a 100-character tenant's types are longer`,
};
if (!onBun) {
  test.skip("original SQL layout conformance (skipped: runs under Bun only, see the comment above)", () => {});
} else {
  const server = await useSqlServer("mysql");
  if (server.ready) {
    conformance(
      "MariaDB, original layout",
      (options) => createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: server.url, objectPrefix: `oc${++n}`, layout: "original" }, options),
      { differentialOperations: 400, skip },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "objstore-original-sql-conformance-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  conformance(
    "SQLite, original layout",
    (options) => createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: `sqlite:///${join(dir, `${++n}.db`)}`, layout: "original" }, options),
    { differentialOperations: 400, skip },
  );
}
