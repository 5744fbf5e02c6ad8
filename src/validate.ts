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

/** Printable ASCII without "_", 1–100 long: always a valid type (the common case, one regex test). */
const PLAIN_TYPE = /^[\x20-\x5e\x60-\x7e]{1,100}$/;
/** Printable ASCII, 1–1024 long: always a valid key. */
const PLAIN_KEY = /^[\x20-\x7e]{1,1024}$/;

/** Throws `INVALID_OBJECT_TYPE` unless `type` is a valid object type. */
export function checkType(type: unknown): asserts type is string {
  if (typeof type === "string" && PLAIN_TYPE.test(type)) return;
  const problem = stringProblem(type) ?? typeProblem(type as string);
  if (problem) throw new InvalidInputError("INVALID_OBJECT_TYPE", `Invalid object type: ${problem}`);
}

/**
 * What makes `type` no valid object type ("must not be empty", ...), or `undefined` when it is
 * one: the text after "Invalid object type: " in {@link checkType}'s error (which stays apart,
 * so a bundle that only checks types leaves this out).
 */
export function typeProblemOf(type: unknown): string | undefined {
  return typeof type === "string" && PLAIN_TYPE.test(type) ? undefined : stringProblem(type) ?? typeProblem(type as string);
}

function typeProblem(type: string): string | undefined {
  let codePoints = 0;
  for (const _ of type) codePoints++;
  if (codePoints > MAX_TYPE_CODE_POINTS) {
    return `is ${codePoints} code points long, at most ${MAX_TYPE_CODE_POINTS} allowed`;
  }
  if (type.includes("_")) return `must not contain "_" (${JSON.stringify(type)})`;
  if (CONTROL.test(type)) return "contains a control character";
  return undefined;
}

/** What a type and a key both must be: a non-empty string without lone surrogates. */
function stringProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `expected a string, got ${describe(value)}`;
  if (value.length === 0) return "must not be empty";
  if (LONE_SURROGATE.test(value)) return "contains a lone surrogate";
  return undefined;
}

/** Throws `INVALID_KEY` unless `key` is a valid key. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key === "string" && PLAIN_KEY.test(key)) return;
  const problem = stringProblem(key) ?? keyProblem(key as string);
  if (problem) throw new InvalidInputError("INVALID_KEY", `Invalid key: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (CONTROL.test(key)) return "contains a control character";
  // Cheap bound first: a UTF-16 code unit encodes to at most 3 UTF-8 bytes.
  if (key.length * 3 > MAX_KEY_BYTES) {
    const bytes = new TextEncoder().encode(key).length;
    if (bytes > MAX_KEY_BYTES) return `is ${bytes} UTF-8 bytes long, at most ${MAX_KEY_BYTES} allowed`;
  }
  return undefined;
}

/**
 * Normalises a version argument (docs/api.md): `undefined` stays "no version"; a finite number
 * or a non-empty string becomes a string, compared as such (so `0` or `1.5` simply match no
 * object); anything else is `INVALID_ARGUMENT`.
 */
export function checkVersion(version: unknown): string | undefined {
  if (version === undefined) return undefined;
  if (typeof version === "string" && version.length > 0) return version;
  if (typeof version === "number" && Number.isFinite(version)) return String(version);
  throw unexpected("version", "a number or a non-empty string", version);
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
      if (!Number.isFinite(value)) throw invalidValue(path, describe(value));
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
      const at = `${path}[${i}]`;
      if (!(i in value)) throw invalidValue(at, "an array hole");
      array[i] = copyAt(value[i], at, ancestors);
    }
    copy = array;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw invalidValue(path, describe(value));
    if (Object.getOwnPropertySymbols(value).length > 0) throw invalidValue(path, "an object with symbol keys");
    const object: { [key: string]: JsonValue } = {};
    for (const name of Object.keys(value)) {
      const at = childPath(path, name);
      // Property names are strings too: the same rule holds for them.
      if (LONE_SURROGATE.test(name)) throw invalidValue(at, "a property name with a lone surrogate");
      setOwn(object, name, copyAt((value as Record<string, unknown>)[name], at, ancestors));
    }
    copy = object;
  }
  ancestors.delete(value);
  return copy;
}

/**
 * Deep copy of a value already known to be valid JSON (for copying out). Spread and `slice`
 * copy a level natively (spread defines `__proto__` as an own data property, and assigning it
 * afterwards sets that property, not the prototype); only nested arrays and objects recurse.
 */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const array: JsonValue[] = value.slice();
    for (let i = 0; i < array.length; i++) {
      const item = array[i]!;
      if (typeof item === "object" && item !== null) array[i] = cloneJson(item);
    }
    return array as T;
  }
  const object: { [key: string]: JsonValue } = { ...value };
  // for-in needs no array of names; an inherited name (a polluted prototype) is never copied in.
  for (const name in object) {
    const item = object[name]!;
    if (typeof item === "object" && item !== null && Object.hasOwn(object, name)) object[name] = cloneJson(item);
  }
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
  const kind = typeof value;
  if (kind === "boolean" || (kind === "number" && Number.isFinite(value))) return `the ${kind} ${value}`;
  // NaN, ±Infinity, null, undefined
  if (kind === "number" || value == null) return String(value);
  if (kind === "string") return value === "" ? "an empty string" : "a string";
  if (kind === "bigint") return "a BigInt";
  if (kind !== "object") return `a ${kind}`; // a function, a symbol
  if (Array.isArray(value)) return "an array";
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** Checks an optional non-negative integer argument. */
export function checkCount(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw unexpected(what, "a non-negative integer", value);
}

/**
 * The `INVALID_ARGUMENT` of an argument that is not what it must be:
 * "Invalid `what`: expected `expected`, got (what `value` is)".
 */
export function unexpected(what: string, expected: string, value: unknown): InvalidInputError {
  return invalidArgument(`${what}: expected ${expected}, got ${describe(value)}`);
}

/** An `INVALID_ARGUMENT` error, "Invalid `problem`". */
export function invalidArgument(problem: string): InvalidInputError {
  return new InvalidInputError("INVALID_ARGUMENT", `Invalid ${problem}`);
}
