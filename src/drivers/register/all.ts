/**
 * Registers every driver that runs on any runtime (the runtime entry points import this; the
 * ones that need a runtime service still need it injected).
 *
 * @module
 */
import "./d1.ts";
import "./denokv.ts";
import "./dynamodb.ts";
import "./file.ts";
import "./indexeddb.ts";
import "./libsql.ts";
import "./remote.ts";
import "./caching.ts";
import "./migrating.ts";
import "./multitenant.ts";
import "./offline.ts";
