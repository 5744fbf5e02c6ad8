/**
 * The record-level extension of the API, which the Remote driver speaks: `put`/`delete`/
 * `truncate` ops in `POST /api/transactions` (a driver commit: each write's condition checked
 * atomically, versions and stamps kept exactly as sent) and `POST /api/query` (a driver page
 * request: terms, sort, keyset `after`, offset, limit, count). Both run on the store's driver
 * ({@link driverOf}), under the same validation as the store's own writes.
 *
 * @module
 */
import * as v from "valibot";
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type Expect, type PageRequest, type Write } from "../driver.ts";
import { InvalidInputError, ObjectStoreError } from "../errors.ts";
import { MAX_QUERY_TERMS, MAX_SORT_FIELDS } from "../query.ts";
import type { JsonValue } from "../types.ts";
import { checkKey, checkType, copyValue } from "../validate.ts";
import type { ErrorBody } from "./errors.ts";

/** A write of a driver commit as sent over the wire (`record` has no key: it is the write's). */
export type WireWrite =
  | { op: "put"; type: string; key: string; expect: Expect; record: WireRecord }
  | { op: "delete"; type: string; key: string; expect: Expect }
  | { op: "truncate"; type: string }
  | { op: "replace"; type: string; key: string; version: string; record: Omit<WireRecord, "created"> };

/** A stored record on the wire. */
export interface WireRecord {
  /** The stored value. */
  value: JsonValue;
  /** The version. */
  version: string;
  /** When the object was created (ISO-8601 UTC). */
  created: string;
  /** When the object was last saved (ISO-8601 UTC). */
  updated: string;
}

/** The body of `POST /api/query`: a driver page request for one type. */
export interface WireQuery extends Omit<PageRequest, "after"> {
  /** The object type listed. */
  type: string;
  /** Continue after this key (and sort values), as a keyset cursor does. */
  after?: { key: string; values: JsonValue[] };
}

const EXPECT = v.union([
  v.object({ absent: v.literal(true) }),
  v.object({ present: v.literal(true) }),
  v.object({ version: v.pipe(v.string(), v.minLength(1)) }),
  v.object({ any: v.literal(true) }),
]);
const STAMP = v.pipe(v.string(), v.regex(/^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "expected an ISO-8601 UTC time"));
const RECORD_WRITE = v.variant("op", [
  v.object({
    op: v.literal("put"),
    type: v.unknown(),
    key: v.unknown(),
    expect: EXPECT,
    record: v.object({
      value: v.unknown(),
      version: v.pipe(v.string(), v.regex(/^[1-9][0-9]*$/, "expected a version")),
      created: STAMP,
      updated: STAMP,
    }),
  }),
  v.object({ op: v.literal("delete"), type: v.unknown(), key: v.unknown(), expect: EXPECT }),
  v.object({ op: v.literal("truncate"), type: v.unknown() }),
]);
const REPLACE = v.object({
  op: v.literal("replace"),
  type: v.unknown(),
  key: v.unknown(),
  version: v.pipe(v.string(), v.minLength(1)),
  record: v.object({ value: v.unknown(), version: v.pipe(v.string(), v.regex(/^[1-9][0-9]*$/, "expected a version")), updated: STAMP }),
});

/**
 * True when a write is one of the record-level ops.
 *
 * @example
 * ```ts
 * isRecordOp({ op: "put" }); // true
 * ```
 */
export function isRecordOp(write: unknown): boolean {
  const op = (write as { op?: unknown } | null)?.op;
  return op === "put" || op === "delete" || op === "truncate" || op === "replace";
}

/**
 * Runs a lone `replace` op: the object at `version` gets `record`, keeping its `created`, in one
 * atomic step (the driver's `replace`, else a read plus a commit conditioned on that version).
 * Answers `{"results":[{"created"}]}`, or 412 with `index` 0 and `current` like a commit.
 *
 * @example
 * ```ts
 * await replaceRecord(driver, { op: "replace", type: "T", key: "k", version: "1", record: { value: 2, version: "2", updated: "2026-01-01T00:00:00.000Z" } });
 * ```
 */
export async function replaceRecord(driver: Driver, input: unknown): Promise<{ status: number; body: unknown }> {
  const parsed = v.safeParse(REPLACE, input);
  if (!parsed.success) throw bad(0, `${issuePath(parsed.issues[0])}: ${parsed.issues[0].message}`);
  const w = parsed.output;
  let record: Omit<DriverRecord, "created">;
  try {
    checkType(w.type), checkKey(w.key);
    record = { key: w.key, value: copyValue(w.record.value), version: w.record.version, updated: w.record.updated };
  } catch (e) {
    throw e instanceof ObjectStoreError ? withIndex(e, 0) : e;
  }
  try {
    let created: string;
    if (driver.replace) created = await driver.replace(w.type, w.key, w.version, record);
    else {
      const current = await driver.get(w.type, w.key);
      if (current?.version !== w.version) throw new CommitConflict(0, current?.version);
      created = current.created;
      await driver.commit([{ op: "put", type: w.type, key: w.key, expect: { version: w.version }, record: { ...record, created } }]);
    }
    return { status: 200, body: { results: [{ created }] } };
  } catch (e) {
    if (!(e instanceof CommitConflict)) throw e;
    return { status: 412, body: conflictBody(e) };
  }
}

function conflictBody(e: CommitConflict): ErrorBody {
  return { error: { code: "WRONG_OBJECT_VERSION", message: `Write ${e.index} conflicts`, index: e.index, current: e.current ?? null } };
}

/**
 * Validates and commits record-level writes in one driver commit. A failed condition is 412
 * `WRONG_OBJECT_VERSION` with the write's `index` and the `current` version found (null: absent).
 *
 * @example
 * ```ts
 * await commitRecords(driverOf(store)!, [{ op: "truncate", type: "T" }]); // { status: 200, ... }
 * ```
 */
export async function commitRecords(driver: Driver, input: unknown[]): Promise<{ status: number; body: unknown }> {
  const writes: Write[] = [];
  const seen = new Set<string>();
  let puts = false;
  input.forEach((raw, index) => {
    const parsed = v.safeParse(RECORD_WRITE, raw);
    if (!parsed.success) throw bad(index, `${issuePath(parsed.issues[0])}: ${parsed.issues[0].message}`);
    const w = parsed.output;
    try {
      checkType(w.type);
      if (w.op === "truncate") {
        if (puts) throw new InvalidInputError("INVALID_ARGUMENT", "truncates must come before every other write");
        writes.push({ op: "truncate", type: w.type });
        return;
      }
      puts = true;
      checkKey(w.key);
      const id = JSON.stringify([w.type, w.key]);
      if (seen.has(id)) throw new InvalidInputError("INVALID_ARGUMENT", "at most one write per type and key");
      seen.add(id);
      if (w.op === "delete") writes.push({ op: "delete", type: w.type, key: w.key, expect: w.expect });
      else {
        const record = { key: w.key, ...w.record, value: copyValue(w.record.value) };
        writes.push({ op: "put", type: w.type, key: w.key, expect: w.expect, record });
      }
    } catch (e) {
      throw e instanceof ObjectStoreError ? withIndex(e, index) : e;
    }
  });
  try {
    await driver.commit(writes);
  } catch (e) {
    if (!(e instanceof CommitConflict)) throw e;
    return { status: 412, body: conflictBody(e) };
  }
  return { status: 200, body: { results: writes.map(() => null) } };
}

const POSITION_VALUES = v.array(v.unknown());
const QUERY = v.object({
  type: v.unknown(),
  terms: v.pipe(v.array(v.string()), v.maxLength(MAX_QUERY_TERMS)),
  sort: v.pipe(v.array(v.object({ field: v.pipe(v.string(), v.minLength(1)), desc: v.boolean() })), v.maxLength(MAX_SORT_FIELDS)),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  limit: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  after: v.optional(v.object({ key: v.string(), values: POSITION_VALUES })),
  count: v.boolean(),
});

/**
 * Runs a `POST /api/query` body on the driver; `limit` is capped at `maxLimit`.
 *
 * @example
 * ```ts
 * await queryRecords(driver, { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true }, 10_000);
 * ```
 */
export async function queryRecords(driver: Driver, input: unknown, maxLimit: number): Promise<DriverPage> {
  const parsed = v.safeParse(QUERY, input);
  if (!parsed.success) {
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid query request: ${issuePath(parsed.issues[0])}: ${parsed.issues[0].message}`);
  }
  const q = parsed.output;
  checkType(q.type);
  if (q.limit > maxLimit) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid limit: at most ${maxLimit}`);
  if (q.after && q.after.values.length !== q.sort.length) {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid after: one value per sort field");
  }
  const request: PageRequest = { terms: q.terms, sort: q.sort, offset: q.offset, limit: q.limit, count: q.count };
  if (q.after) request.after = { key: q.after.key, values: q.after.values.map((value) => copyValue(value)) };
  return driver.page(q.type, request);
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((p) => String(p.key)).join(".") || "body";
}

function bad(index: number, message: string): ObjectStoreError {
  return new InvalidInputError("INVALID_ARGUMENT", `Invalid writes[${index}]: ${message}`);
}

function withIndex(e: ObjectStoreError, index: number): ObjectStoreError {
  if (!(e instanceof InvalidInputError)) return e;
  return new InvalidInputError(e.code as "INVALID_ARGUMENT", `writes[${index}]: ${e.message}`);
}
