/**
 * The SQL layer's tables: two per `objectPrefix` (objects and meta), created on first use, with
 * a schema-version row so later releases can migrate.
 *
 * @module
 */
import { InvalidInputError, ObjectStoreError } from "../../errors.ts";
import type { SqlClient } from "./client.ts";
import type { SqlDialect } from "./dialect.ts";

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
 * tablesFor(DEFAULT_PREFIX, (n) => `"${n}"`).objects; // '"objstore_objects"'
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
  /** The unquoted prefix (for names derived from it, such as a lock). */
  prefix: string;
}

/**
 * The table names for `prefix` (an identifier: a letter, then letters, digits or `_`, at most
 * 63), quoted by `quote`. Checked here as well as in the config, since a driver can be built
 * directly.
 *
 * @example
 * ```ts
 * tablesFor("app", (n) => `"${n}"`); // { objects: '"app_objects"', meta: '"app_meta"', prefix: "app" }
 * ```
 */
export function tablesFor(prefix: string = DEFAULT_PREFIX, quote: (name: string) => string): Tables {
  if (typeof prefix !== "string" || !IDENTIFIER.test(prefix)) {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid objectPrefix: must be an identifier (a letter, then letters, digits or _, at most 63)");
  }
  return { objects: quote(`${prefix}_objects`), meta: quote(`${prefix}_meta`), prefix };
}

/**
 * Creates the tables when missing and checks the schema version, in one batch.
 *
 * @example
 * ```ts
 * await ensureSchema(client, mysqlDialect, tablesFor("app", mysqlDialect.quote));
 * ```
 */
export async function ensureSchema(client: SqlClient, dialect: SqlDialect, tables: Tables): Promise<void> {
  const results = await client.batch(dialect.schema(tables, SCHEMA_VERSION), "write");
  const row = results[results.length - 1]?.[0];
  const found = row === undefined ? undefined : String(row.value);
  if (found !== String(SCHEMA_VERSION)) {
    // Only version 1 exists so far; a later release adds its migrations here.
    throw new ObjectStoreError(
      "UNSUPPORTED",
      `The ${dialect.name} tables ${tables.objects} have schema version ${found}; this objstore reads version ${SCHEMA_VERSION}`,
    );
  }
}
