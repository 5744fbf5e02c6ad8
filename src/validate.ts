/**
 * Input rules (docs/api.md): object types, keys, values and versions.
 * Values are validated and copied in one walk, so what is stored never aliases caller data.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";
import type { JsonValue, Version } from "./types.ts";

const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Surrogate}/u;
const MAX_TYPE_CODE_POINTS = 100;
const MAX_KEY_BYTES = 1024;
/** Deepest nesting of arrays/objects a value may have (deeper values would exhaust the stack). */
export const MAX_DEPTH = 512;
const encoder = new TextEncoder();

/** Printable ASCII without "_", 1–100 long: always a valid type (the common case, one regex test). */
const PLAIN_TYPE = /^[\x20-\x5e\x60-\x7e]{1,100}$/;
/** Printable ASCII, 1–1024 long: always a valid key. */
const PLAIN_KEY = /^[\x20-\x7e]{1,1024}$/;

/** Throws `INVALID_OBJECT_TYPE` unless `type` is a valid object type. */
export function checkType(type: unknown): asserts type is string {
  if (typeof type === "string" && PLAIN_TYPE.test(type)) return;
  const problem = typeProblem(type);
  if (problem) throw new InvalidInputError("INVALID_OBJECT_TYPE", `Invalid object type: ${problem}`);
}

function typeProblem(type: unknown): string | undefined {
  if (typeof type !== "string") return `expected a string, got ${describe(type)}`;
  if (type.length === 0) return "must not be empty";
  if (LONE_SURROGATE.test(type)) return "contains a lone surrogate";
  let codePoints = 0;
  for (const _ of type) codePoints++;
  if (codePoints > MAX_TYPE_CODE_POINTS) {
    return `is ${codePoints} code points long, at most ${MAX_TYPE_CODE_POINTS} allowed`;
  }
  if (type.includes("_")) return `must not contain "_" (${JSON.stringify(type)})`;
  if (CONTROL.test(type)) return "contains a control character";
  return undefined;
}

/** Throws `INVALID_KEY` unless `key` is a valid key. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key === "string" && PLAIN_KEY.test(key)) return;
  const problem = keyProblem(key);
  if (problem) throw new InvalidInputError("INVALID_KEY", `Invalid key: ${problem}`);
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return `expected a string, got ${describe(key)}`;
  if (key.length === 0) return "must not be empty";
  if (LONE_SURROGATE.test(key)) return "contains a lone surrogate";
  if (CONTROL.test(key)) return "contains a control character";
  // Cheap bound first: a UTF-16 code unit encodes to at most 3 UTF-8 bytes.
  if (key.length * 3 > MAX_KEY_BYTES) {
    const bytes = encoder.encode(key).length;
    if (bytes > MAX_KEY_BYTES) return `is ${bytes} UTF-8 bytes long, at most ${MAX_KEY_BYTES} allowed`;
  }
  return undefined;
}

/**
 * Normalises a version argument (docs/api.md): `undefined` stays "no version"; a finite number
 * or a non-empty string becomes a string, compared as such (so `0` or `1.5` simply match no
 * object); anything else is `INVALID_ARGUMENT`.
 */
export function checkVersion(version: unknown, what = "version"): string | undefined {
  if (version === undefined) return undefined;
  if (typeof version === "string" && version.length > 0) return version;
  if (typeof version === "number" && Number.isFinite(version)) return String(version);
  throw new InvalidInputError(
    "INVALID_ARGUMENT",
    `Invalid ${what}: expected a number or a non-empty string, got ${describe(version)}`,
  );
}

/** The version after `version` ("1" → "2"); `undefined` when it is not a canonical version. */
export function nextVersion(version: string): string | undefined {
  if (!/^[1-9][0-9]*$/.test(version)) return undefined;
  return version.length < 15 ? String(Number(version) + 1) : (BigInt(version) + 1n).toString();
}

/**
 * Validates `value` as JSON (docs/api.md) and returns a deep copy of it.
 * Throws `INVALID_VALUE` naming the path of the first bad part (`$.a.b[2]`).
 */
export function copyValue(value: unknown): JsonValue {
  return copyAt(value, "$", new Set());
}

function copyAt(value: unknown, path: string, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case "string":
      if (LONE_SURROGATE.test(value)) throw invalidValue(path, "a string with a lone surrogate");
      return value;
    case "number":
      if (!Number.isFinite(value)) throw invalidValue(path, String(value));
      return value === 0 ? 0 : value; // -0 is stored as 0, as JSON would
    case "boolean":
      return value;
    case "object":
      break;
    default:
      throw invalidValue(path, describe(value));
  }
  if (value === null) return null;
  if (ancestors.has(value)) throw invalidValue(path, "a cycle");
  if (ancestors.size >= MAX_DEPTH) {
    throw new InvalidInputError("INVALID_VALUE", `Invalid value at ${path}: nested deeper than ${MAX_DEPTH} levels`);
  }
  ancestors.add(value);
  let copy: JsonValue;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw invalidValue(path, "an array subclass");
    const array: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw invalidValue(`${path}[${i}]`, "an array hole");
      array[i] = copyAt(value[i], `${path}[${i}]`, ancestors);
    }
    copy = array;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw invalidValue(path, describe(value));
    if (Object.getOwnPropertySymbols(value).length > 0) throw invalidValue(path, "an object with symbol keys");
    const object: { [key: string]: JsonValue } = {};
    for (const name of Object.keys(value)) {
      // Property names are strings too: the same rule holds for them.
      if (LONE_SURROGATE.test(name)) throw invalidValue(childPath(path, name), "a property name with a lone surrogate");
      const child = copyAt((value as Record<string, unknown>)[name], childPath(path, name), ancestors);
      setOwn(object, name, child);
    }
    copy = object;
  }
  ancestors.delete(value);
  return copy;
}

/** Deep copy of a value already known to be valid JSON (for copying out). */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const array: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) array[i] = cloneJson(value[i]!);
    return array as T;
  }
  const object: { [key: string]: JsonValue } = {};
  for (const name of Object.keys(value)) setOwn(object, name, cloneJson(value[name] as JsonValue));
  return object as T;
}

/** Assigns an own property, also for the name `__proto__` (which plain assignment would not). */
function setOwn(object: { [key: string]: JsonValue }, name: string, child: JsonValue): void {
  if (name === "__proto__") {
    Object.defineProperty(object, name, { value: child, enumerable: true, writable: true, configurable: true });
  } else {
    object[name] = child;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, name: string): string {
  return IDENTIFIER.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function invalidValue(path: string, what: string): InvalidInputError {
  return new InvalidInputError("INVALID_VALUE", `Invalid value at ${path}: ${what} is not JSON`);
}

/** A short description of a value's kind for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (typeof value === "bigint") return "a BigInt";
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) return "an array";
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** Checks an optional non-negative integer argument. */
export function checkCount(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidInputError(
    "INVALID_ARGUMENT",
    `Invalid ${what}: expected a non-negative integer, got ${describe(value)}`,
  );
}
