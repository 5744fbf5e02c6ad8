/**
 * The schemas of the HTTP API's requests: what the routes validate with (the shapes they
 * answer are in response-schemas.ts). Written with schema-kit.ts, valibot's API for the part
 * used (test/http-schema-kit.test.ts checks them against valibot itself). `/openapi.json` is
 * generated from these same schemas (openapi.ts, by `node scripts/openapi.mjs` into
 * openapi-document.ts; test/http-openapi.test.ts fails when that file is stale), so the
 * document cannot drift from what the server checks.
 *
 * @module
 */
import * as v from "./schema-kit.ts";
import { BUCKETS } from "../composites/offline/digest.ts";
import { MAX_QUERY_TERMS, MAX_SORT_FIELDS } from "../query.ts";

/** A canonical version: "1", "2", ... */
export const VERSION = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,15}$/, "expected a version"));
/** An ISO-8601 UTC time with milliseconds. */
export const STAMP = v.pipe(v.string(), v.regex(/^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "expected an ISO-8601 UTC time"));

/** The condition of a record-level write. */
export const EXPECT = v.union([
  v.object({ absent: v.literal(true) }),
  v.object({ present: v.literal(true) }),
  v.object({ version: v.pipe(v.string(), v.minLength(1)) }),
  v.object({ any: v.literal(true) }),
]);

/** A record-level `put` / `delete` / `truncate` op of `POST /api/transactions`. */
export const RECORD_WRITE = v.variant("op", [
  v.object({
    op: v.literal("put"),
    type: v.unknown(),
    key: v.unknown(),
    expect: EXPECT,
    record: v.object({ value: v.unknown(), version: VERSION, created: v.optional(STAMP), updated: v.optional(STAMP) }),
  }),
  v.object({ op: v.literal("delete"), type: v.unknown(), key: v.unknown(), expect: EXPECT }),
  v.object({ op: v.literal("truncate"), type: v.unknown() }),
]);

/** The lone record-level `replace` op of `POST /api/transactions`. */
export const REPLACE = v.object({
  op: v.literal("replace"),
  type: v.unknown(),
  key: v.unknown(),
  version: v.pipe(v.string(), v.minLength(1)),
  record: v.object({ value: v.unknown(), version: VERSION, updated: v.optional(STAMP) }),
});

const STORE_VERSION = v.optional(v.union([v.string(), v.number()], "expected a string or a number"));

/** A `save` / `remove` op of `POST /api/transactions`. */
export const STORE_WRITE = v.variant("op", [
  v.object({ op: v.literal("save"), type: v.unknown(), key: v.unknown(), value: v.unknown(), version: STORE_VERSION }),
  v.object({
    op: v.literal("remove"),
    type: v.unknown(),
    key: v.unknown(),
    version: STORE_VERSION,
    ignoreMissing: v.optional(v.boolean("expected a boolean")),
  }),
], 'expected op "save" or "remove"');

/** The body of `POST /api/transactions` (ops checked one by one with the schemas above). */
export const TRANSACTION_BODY = v.object({ writes: v.array(v.unknown()), verbatim: v.optional(v.boolean()) });

/** The body of `POST /api/query`. */
export const QUERY = v.object({
  type: v.unknown(),
  terms: v.pipe(v.array(v.string()), v.maxLength(MAX_QUERY_TERMS)),
  sort: v.pipe(v.array(v.object({ field: v.pipe(v.string(), v.minLength(1)), desc: v.boolean() })), v.maxLength(MAX_SORT_FIELDS)),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  limit: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  after: v.optional(v.object({ key: v.string(), values: v.array(v.unknown()) })),
  count: v.boolean(),
});

const SINCE = v.pipe(v.string(), v.check((s) => !Number.isNaN(Date.parse(s)), "expected an ISO-8601 time"));
/** The body of `POST /api/changes` (the Offline store's change feed). */
export const CHANGES = v.strictObject({
  type: v.unknown(),
  since: v.optional(SINCE),
  after: v.optional(v.unknown()),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000))),
  versionsOf: v.optional(v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(BUCKETS - 1))), v.maxLength(BUCKETS))),
});

const COUNT_TEXT = v.pipe(v.string(), v.regex(/^[0-9]{1,15}$/, "expected a non-negative integer"));

/** The query parameters of `GET /api/objects/:type`, as text (the route turns counts into numbers). */
export const PAGE_QUERY = v.object({
  offset: v.optional(COUNT_TEXT),
  pagesize: v.optional(COUNT_TEXT),
  query: v.optional(v.string()),
  sort: v.optional(v.string()),
  cursor: v.optional(v.string()),
  total: v.optional(v.picklist(["true", "false"], "expected true or false")),
});

/** The query parameters of `GET /api/types`: `all` lists the stored names too (tenants' types, indexes). */
export const TYPES_QUERY = v.object({
  all: v.optional(v.picklist(["1", "true", "0", "false"], "expected 1, true, 0 or false")),
});
