/**
 * The libSQL driver's schema: two tables per `objectPrefix`, created lazily, with a
 * schema-version row so later releases can migrate.
 *
 * @module
 */
import type { Client, InStatement } from "@libsql/client/web";
import { InvalidInputError, ObjectStoreError } from "../../errors.ts";

/**
 * The schema version this release writes and reads.
 *
 * @example
 * ```ts
 * if (found > SCHEMA_VERSION) throw new Error("written by a newer objstore");
 * ```
 */
export const SCHEMA_VERSION = 1;

/**
 * The prefix used when none is configured: tables `objstore_objects` and `objstore_meta`.
 *
 * @example
 * ```ts
 * tablesFor(DEFAULT_PREFIX).objects; // '"objstore_objects"'
 * ```
 */
export const DEFAULT_PREFIX = "objstore";

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** Quoted table names of one store. */
export interface Tables {
  /** One row per object: type, key, value (JSON text), version, created, updated, search. */
  objects: string;
  /** Name/value rows; `schema_version` holds {@link SCHEMA_VERSION}. */
  meta: string;
}

/**
 * The table names for `prefix` (an identifier: a letter, then letters, digits or `_`, at most
 * 63). Checked here as well as in the config, since the driver can be built directly.
 *
 * @example
 * ```ts
 * tablesFor("app"); // { objects: '"app_objects"', meta: '"app_meta"' }
 * ```
 */
export function tablesFor(prefix: string = DEFAULT_PREFIX): Tables {
  if (typeof prefix !== "string" || !IDENTIFIER.test(prefix)) {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid objectPrefix: must be an identifier (a letter, then letters, digits or _, at most 63)");
  }
  return { objects: `"${prefix}_objects"`, meta: `"${prefix}_meta"` };
}

/**
 * Creates the tables when missing and checks the schema version, in one batch (one round trip
 * over HTTP). `wal` switches a local database file to WAL mode first (readers never block the
 * writer; it persists in the file).
 *
 * @example
 * ```ts
 * await ensureSchema(createClient({ url: "file:x.db" }), tablesFor("app"), true);
 * ```
 */
export async function ensureSchema(client: Client, tables: Tables, wal: boolean): Promise<void> {
  if (wal) await client.execute("PRAGMA journal_mode = WAL");
  const statements: InStatement[] = [
    `CREATE TABLE IF NOT EXISTS ${tables.meta} (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
    // search: the lower-cased search text (query.ts searchText) when it holds non-ASCII text;
    // NULL when SQLite's ASCII-only lower() gives the same text, which saves the space.
    `CREATE TABLE IF NOT EXISTS ${tables.objects} (
      type TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      version TEXT NOT NULL,
      created TEXT NOT NULL,
      updated TEXT NOT NULL,
      search TEXT,
      PRIMARY KEY (type, key)
    ) WITHOUT ROWID`,
    { sql: `INSERT OR IGNORE INTO ${tables.meta} (name, value) VALUES ('schema_version', ?)`, args: [String(SCHEMA_VERSION)] },
    `SELECT value FROM ${tables.meta} WHERE name = 'schema_version'`,
  ];
  const results = await client.batch(statements, "write");
  const found = Number(results[3]?.rows[0]?.[0]);
  if (found !== SCHEMA_VERSION) {
    // Only version 1 exists so far; a later release adds its migrations here.
    throw new ObjectStoreError(
      "UNSUPPORTED",
      `The libSQL tables ${tables.objects} have schema version ${String(results[3]?.rows[0]?.[0])}; this objstore reads version ${SCHEMA_VERSION}`,
    );
  }
}
