/**
 * Registers every driver that runs on any runtime, and the store features `forTenant` and
 * `doubleStringIndex` (the runtime entry points import this; the drivers that need a runtime
 * service still need it injected).
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
import "../../register/double-string-index.ts";
import "../../register/tenants.ts";
