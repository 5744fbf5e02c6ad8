/**
 * What the store and its transactions share: the checks a call starts with, the errors of the
 * version matrix (docs/api.md) and the public form of a record.
 *
 * @module
 */
import type { DriverRecord } from "./driver.ts";
import { ObjectExistsError, ObjectMissingError, WrongObjectVersionError } from "./errors.ts";
import type { JsonValue, RemoveOptions, SaveResult, StoredObject } from "./types.ts";
import { checkVersion, cloneJson, unexpected } from "./validate.ts";

/**
 * Checks that a call may start: `check` (the store or transaction is open), then that `signal`
 * (the call's) has not aborted. Returns `signal`.
 */
export function opened(signal: AbortSignal | undefined, check: () => void): AbortSignal | undefined {
  check();
  signal?.throwIfAborted();
  return signal;
}

/** The save/update part of the version matrix (docs/api.md) for a write with a version (or a create). */
export function checkMatrix(type: string, key: string, current: DriverRecord | undefined, expected: string | undefined, what: string) {
  if (!current) {
    if (expected !== undefined) throw new ObjectMissingError(`Cannot ${what} ${type}/${key} at version ${expected}: no such object`);
    return;
  }
  if (expected === undefined) throw existsError(type, key, current.version);
  if (expected !== current.version) throw wrongVersion(type, key, expected, current.version);
}

/** The `OBJECT_EXISTS` of a create that found `type`/`key` at version `current`. */
export function existsError(type: string, key: string, current: string): ObjectExistsError {
  return new ObjectExistsError(`Cannot create ${type}/${key}: it exists (version ${current})`);
}

/** The `WRONG_OBJECT_VERSION` of a write at version `expected` that found `current`. */
export function wrongVersion(type: string, key: string, expected: string, current: string): WrongObjectVersionError {
  return new WrongObjectVersionError(`${type}/${key} is at version ${current}, not ${expected}`);
}

/** Validates remove options. */
export function checkRemoveOptions(options: RemoveOptions | undefined): { expected: string | undefined; ignoreMissing: boolean } {
  const o = checkOptions(options, "remove options");
  const ignoreMissing = o?.ignoreMissing ?? false;
  if (typeof ignoreMissing !== "boolean") {
    throw unexpected("ignoreMissing", "a boolean", ignoreMissing);
  }
  return { expected: checkVersion(o?.version), ignoreMissing };
}

/** Checks that an options argument is an object or undefined. */
export function checkOptions<T>(options: T | undefined, what: string): T | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw unexpected(what, "an object", options);
  }
  return options;
}

/** What a save of `record` returns. */
export function saveResult(record: DriverRecord): SaveResult {
  return { version: record.version, created: record.created, updated: record.updated };
}

/** The public form of a record; `copy` when the record is shared (staged), not fresh from a driver. */
export function toStoredObject<T = JsonValue>(type: string, record: DriverRecord, copy: boolean): StoredObject<T> {
  return {
    type,
    key: record.key,
    value: (copy ? cloneJson(record.value) : record.value) as T,
    version: record.version,
    created: record.created,
    updated: record.updated,
  };
}
