/**
 * The shapes the HTTP API answers, for the OpenAPI document only (openapi.ts, run at build
 * time): no route imports this module, so no server or bundle carries these schemas.
 *
 * @module
 */
import * as v from "./schema-kit.ts";
import { VERSION, STAMP } from "./schemas.ts";


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
