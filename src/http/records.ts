/**
 * The record-level extension of the API, which the Remote driver speaks: `put`/`delete`/
 * `truncate` ops in `POST /api/transactions` (a driver commit: each write's condition checked
 * atomically) and `POST /api/query` (a driver page request: terms, sort, keyset `after`,
 * offset, limit, count). Both run on the store's driver ({@link driverOf}), under the same
 * validation as the store's own writes.
 *
 * The server decides versions and stamps: `created` and `updated` are recomputed from its
 * clock and a version must follow the version rules ({@link settle}). Only a `verbatim`
 * request (replication scope) stores records exactly as sent.
 *
 * @module
 */
import * as v from "./schema-kit.ts";
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type Expect, type PageRequest, type Write } from "../driver.ts";
import { InvalidInputError, ObjectStoreError } from "../errors.ts";
import type { JsonValue } from "../types.ts";
import { checkKey, copyValue, nextVersion } from "../validate.ts";
import type { ErrorBody } from "./errors.ts";
import { QUERY, RECORD_WRITE, REPLACE } from "./schemas.ts";
import { checkStoredType } from "./tenancy.ts";

/**
 * A write of a driver commit as sent over the wire (`record` has no key: it is the write's).
 * Without `verbatim`, a put's `created`/`updated` are only hints: the server sets them.
 */
export type WireWrite =
  | { op: "put"; type: string; key: string; expect: Expect; record: WireRecord }
  | { op: "delete"; type: string; key: string; expect: Expect }
  | { op: "truncate"; type: string }
  | { op: "replace"; type: string; key: string; version: string; record: { value: JsonValue; version: string; updated?: string } };

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

/** How the server takes record-level writes: verbatim (replication scope) or settled on its clock. */
export interface RecordPolicy {
  /** Store records exactly as sent (versions and stamps kept). */
  verbatim: boolean;
  /** The server's clock as an ISO-8601 string. */
  stamp(): string;
  /**
   * The tenant the request's token is bound to (`driver` is then that tenant's): type names
   * with a tenant prefix are 403. Unbound, any stored name is taken. @default undefined
   */
  tenant?: string;
}

/** The body of `POST /api/query`: a driver page request for one type. */
export interface WireQuery extends Omit<PageRequest, "after"> {
  /** The object type listed. */
  type: string;
  /** Continue after this key (and sort values), as a keyset cursor does. */
  after?: { key: string; values: JsonValue[] };
}

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
 * Unless verbatim, the new version must be the next one and `updated` is the server's clock.
 * Answers `{"results":[{"version","created","updated"}]}`, or 412 with `index` 0 and `current`.
 *
 * @example
 * ```ts
 * await replaceRecord(driver, { op: "replace", type: "T", key: "k", version: "1", record: { value: 2, version: "2" } }, policy);
 * ```
 */
export async function replaceRecord(driver: Driver, input: unknown, policy: RecordPolicy): Promise<{ status: number; body: unknown }> {
  const parsed = v.safeParse(REPLACE, input);
  if (!parsed.success) throw bad(0, problem(parsed.issues[0]));
  const w = parsed.output;
  let record: Omit<DriverRecord, "created">;
  try {
    checkStoredType(w.type, policy.tenant), checkKey(w.key);
    if (!policy.verbatim && w.record.version !== nextVersion(w.version)) {
      throw new InvalidInputError("INVALID_ARGUMENT", `record.version: a save at version ${w.version} gives version ${nextVersion(w.version) ?? "(none)"}`);
    }
    const updated = policy.verbatim ? w.record.updated : policy.stamp();
    if (updated === undefined) throw new InvalidInputError("INVALID_ARGUMENT", "record.updated: a verbatim write needs its stamps");
    record = { key: w.key, value: copyValue(w.record.value), version: w.record.version, updated };
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
    return { status: 200, body: { results: [{ version: record.version, created, updated: record.updated }] } };
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
 * Answers the stored `{version, created, updated}` of each put (null for other writes).
 *
 * @example
 * ```ts
 * await commitRecords(driverOf(store)!, [{ op: "truncate", type: "T" }], policy); // { status: 200, ... }
 * ```
 */
export async function commitRecords(driver: Driver, input: unknown[], policy: RecordPolicy): Promise<{ status: number; body: unknown }> {
  const writes: Write[] = [];
  const puts: { index: number; write: Extract<Write, { op: "put" }> }[] = [];
  const seen = new Set<string>();
  input.forEach((raw, index) => {
    const parsed = v.safeParse(RECORD_WRITE, raw);
    if (!parsed.success) throw bad(index, problem(parsed.issues[0]));
    const w = parsed.output;
    try {
      checkStoredType(w.type, policy.tenant);
      if (w.op === "truncate") {
        if (seen.size > 0) throw new InvalidInputError("INVALID_ARGUMENT", "truncates must come before every other write");
        writes.push({ op: "truncate", type: w.type });
        return;
      }
      checkKey(w.key);
      const id = JSON.stringify([w.type, w.key]);
      if (seen.has(id)) throw new InvalidInputError("INVALID_ARGUMENT", "at most one write per type and key");
      seen.add(id);
      if (w.op === "delete") return void writes.push({ op: "delete", type: w.type, key: w.key, expect: w.expect });
      const { created, updated } = w.record;
      if (policy.verbatim && (created === undefined || updated === undefined)) {
        throw new InvalidInputError("INVALID_ARGUMENT", "record: a verbatim write needs created and updated");
      }
      if (!policy.verbatim && !("absent" in w.expect) && !("version" in w.expect)) {
        throw new InvalidInputError("INVALID_ARGUMENT", 'expect: a put takes {"absent":true} or {"version":"<v>"} (other conditions need a replication token)');
      }
      const record = { key: w.key, value: copyValue(w.record.value), version: w.record.version, created: created ?? "", updated: updated ?? "" };
      const write = { op: "put" as const, type: w.type, key: w.key, expect: w.expect, record };
      writes.push(write);
      puts.push({ index: writes.length - 1, write });
    } catch (e) {
      throw e instanceof ObjectStoreError ? withIndex(e, index) : e;
    }
  });
  try {
    if (!policy.verbatim) await settle(driver, puts, policy.stamp());
    await driver.commit(writes);
  } catch (e) {
    if (!(e instanceof CommitConflict)) throw e;
    return { status: 412, body: conflictBody(e) };
  }
  return {
    status: 200,
    body: { results: writes.map((w) => w.op === "put" ? { version: w.record.version, created: w.record.created, updated: w.record.updated } : null) },
  };
}

/**
 * The server's stamps for ordinary puts (the trust rule of docs/http.md): `updated` is `now`; a
 * put on an absent object starts an incarnation (`created` = `now`); a put at version v past v
 * continues the stored incarnation (keeps its `created`, whatever the client sent); one at v or
 * below is the object removed and created again in one client transaction (a new `created`, as
 * two separate requests would give). The stored version is checked here and again in the
 * commit's atomic step; a mismatch is a {@link CommitConflict}.
 */
async function settle(driver: Driver, puts: { index: number; write: Extract<Write, { op: "put" }> }[], now: string): Promise<void> {
  await Promise.all(puts.map(async ({ index, write }) => {
    const record = write.record;
    record.updated = now;
    if (!("version" in write.expect)) return void (record.created = now);
    const current = await driver.get(write.type, write.key);
    if (current?.version !== write.expect.version) throw new CommitConflict(index, current?.version);
    record.created = later(record.version, current.version) ? current.created : now;
  }));
}

/**
 * Runs a `POST /api/query` body on the driver; `limit` is capped at `maxLimit`. `tenant`: the
 * tenant the request's token is bound to (then a type name with a tenant prefix is 403).
 *
 * @example
 * ```ts
 * await queryRecords(driver, { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true }, 10_000);
 * ```
 */
export async function queryRecords(driver: Driver, input: unknown, maxLimit: number, tenant?: string): Promise<DriverPage> {
  const parsed = v.safeParse(QUERY, input);
  if (!parsed.success) {
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid query request: ${problem(parsed.issues[0])}`);
  }
  const q = parsed.output;
  checkStoredType(q.type, tenant);
  if (q.limit > maxLimit) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid limit: at most ${maxLimit}`);
  if (q.after && q.after.values.length !== q.sort.length) {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid after: one value per sort field");
  }
  const request: PageRequest = { terms: q.terms, sort: q.sort, offset: q.offset, limit: q.limit, count: q.count };
  if (q.after) request.after = { key: q.after.key, values: q.after.values.map((value) => copyValue(value)) };
  return driver.page(q.type, request);
}

/**
 * A request body's problem as the error messages say it: the dotted path of the value (`body`
 * for the body itself), then what is wrong.
 *
 * @example
 * ```ts
 * problem({ path: [{ key: "record" }, { key: "version" }], message: "expected a version" }); // "record.version: expected a version"
 * ```
 */
export function problem(issue: v.BaseIssue<unknown>): string {
  return `${v.getDotPath(issue) ?? "body"}: ${issue.message}`;
}

function bad(index: number, message: string): ObjectStoreError {
  return new InvalidInputError("INVALID_ARGUMENT", `Invalid writes[${index}]: ${message}`);
}

function withIndex(e: ObjectStoreError, index: number): ObjectStoreError {
  if (!(e instanceof InvalidInputError)) return e;
  return new InvalidInputError(e.code as "INVALID_ARGUMENT", `writes[${index}]: ${e.message}`);
}

/** Whether canonical version `a` comes after `b` (compared as integers of any length). */
function later(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}
