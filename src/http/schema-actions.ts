/**
 * The actions of schema-kit.ts's `pipe` (valibot's names and default messages): checks on a value
 * its schema has already typed. Each carries its `kind` and bound `n`, which the OpenAPI builder
 * writes into JSON Schema (schema-json.ts). Import them through schema-kit.ts.
 *
 * @module
 */
import type { Action } from "./schema-kit.ts";

/* @__NO_SIDE_EFFECTS__ */
function action<T>(kind: string, test: (value: T) => boolean, message: string, n?: number | RegExp): Action<T> {
  return { kind, n, test, message };
}

/** Matches `pattern`. */
/* @__NO_SIDE_EFFECTS__ */
export function regex(pattern: RegExp, message?: string): Action<string> {
  return action("regex", (s) => pattern.test(s), message ?? `Invalid format: Expected ${pattern}`, pattern);
}
/** At least `n` long (a string or an array). */
/* @__NO_SIDE_EFFECTS__ */
export function minLength(n: number, message?: string): Action<{ length: number }> {
  return action("minLength", (s) => s.length >= n, message ?? `Invalid length: Expected >=${n}`, n);
}
/** At most `n` long (a string or an array). */
/* @__NO_SIDE_EFFECTS__ */
export function maxLength(n: number, message?: string): Action<{ length: number }> {
  return action("maxLength", (s) => s.length <= n, message ?? `Invalid length: Expected <=${n}`, n);
}
/** At least `n`. */
/* @__NO_SIDE_EFFECTS__ */
export function minValue(n: number, message?: string): Action<number> {
  return action("minValue", (x) => x >= n, message ?? `Invalid value: Expected >=${n}`, n);
}
/** At most `n`. */
/* @__NO_SIDE_EFFECTS__ */
export function maxValue(n: number, message?: string): Action<number> {
  return action("maxValue", (x) => x <= n, message ?? `Invalid value: Expected <=${n}`, n);
}
/** A whole number. */
/* @__NO_SIDE_EFFECTS__ */
export function integer(message?: string): Action<number> {
  return action("integer", Number.isInteger, message ?? "Invalid integer");
}
/** A whole number within ±(2^53 − 1). */
/* @__NO_SIDE_EFFECTS__ */
export function safeInteger(message?: string): Action<number> {
  return action("safeInteger", Number.isSafeInteger, message ?? "Invalid safe integer");
}
/** Passes `test` (not expressible in JSON Schema: the document leaves it out). */
/* @__NO_SIDE_EFFECTS__ */
export function check<T>(test: (value: T) => boolean, message?: string): Action<T> {
  return action("check", test, message ?? "Invalid input");
}
