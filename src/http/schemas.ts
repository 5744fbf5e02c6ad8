/**
 * The valibot schemas of the HTTP API: what the routes validate requests with, and the shapes
 * they answer. `/openapi.json` is generated from these same schemas (openapi.ts, by
 * `node scripts/openapi.mjs` into openapi-document.ts; test/http-openapi.test.ts fails when that
 * file is stale), so the document cannot drift from what the server checks.
 *
 * @module
 */
import * as v from "valibot";
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

// ---- responses

/** A stored object. */
export const STORED_OBJECT = v.object({ type: v.string(), key: v.string(), value: v.unknown(), version: VERSION, created: STAMP, updated: STAMP });
/** A stored record as record-level routes answer it (its type is the request's). */
export const RECORD = v.object({ key: v.string(), value: v.unknown(), version: VERSION, created: STAMP, updated: STAMP });
/** What a save answers: the new version and its stamps. */
export const SAVE_RESULT = v.object({ version: VERSION, created: STAMP, updated: STAMP });
/** A page of `GET /api/objects/:type`. */
export const PAGE = v.object({
  pagination: v.object({ offset: v.number(), pagesize: v.number(), total: v.number() }),
  result: v.array(STORED_OBJECT),
  next: v.optional(v.string()),
});
/** The answer of `POST /api/transactions`. */
export const TRANSACTION_RESULT = v.object({ results: v.array(v.nullable(SAVE_RESULT)) });
/** The answer of `POST /api/query`. */
export const QUERY_RESULT = v.object({ items: v.array(RECORD), total: v.number() });
/** The answer of `POST /api/changes`. */
export const CHANGES_RESULT = v.object({
  at: STAMP,
  changed: v.array(RECORD),
  next: v.optional(v.string()),
  digest: v.optional(v.array(v.string())),
  versions: v.optional(v.array(v.tuple([v.string(), VERSION]))),
});
/** Every error response. */
export const ERROR = v.object({
  error: v.object({ code: v.string(), message: v.string(), index: v.optional(v.number()), current: v.optional(v.nullable(v.string())) }),
});
/** `GET /health`. */
export const HEALTH = v.object({ ok: v.literal(true) });
/** `GET /ready`. */
export const READY = v.union([
  v.object({ ok: v.literal(true) }),
  v.object({ ok: v.literal(false), error: v.object({ code: v.string(), message: v.string() }) }),
]);
/** `GET /api/types`. */
export const TYPES = v.array(v.string());
