/**
 * The rules config.ts writes the store config's checks with: each checks a value at a dotted
 * path and collects every problem (not only the first), as valibot does without `abortEarly`,
 * whose semantics these keep: a value of the wrong type is no value (`BAD`), so the checks of
 * the object holding it do not run; a failed check still leaves a value, so the other checks
 * run too. An object reports its first unknown key; a missing required key "is required".
 *
 * @module
 */
import type { ConfigIssue } from "./errors.ts";

/** What a rule returns for a value of the wrong type (its issue is already listed). */
export const BAD: unique symbol = Symbol("bad");

/** Checks `input` at `path`, lists its problems in `issues` and returns its output (or {@link BAD}). */
export interface Rule<T = unknown> {
  (input: unknown, path: string, issues: ConfigIssue[]): T | typeof BAD;
  /** The key may be absent (`optional`). */
  optional?: boolean;
  /** The key's default, used when it is absent or undefined. */
  fallback?: unknown;
}

/** A check on a value of the right type: whether it passes, and the message when it does not. */
export type Check<T> = [test: (value: T) => boolean, message: string | ((value: T) => string)];

/** `path.key` (valibot's dotted paths: no leading dot). */
export const at = (path: string, key: string | number): string => path === "" ? String(key) : `${path}.${key}`;

/** A value of type `T` (`is`), else `message`; then every check. */
export function typed<T>(is: (input: unknown) => boolean, message: string, ...checks: Check<T>[]): Rule<T> {
  return (input, path, issues) => {
    if (!is(input)) return issues.push({ path, message }), BAD;
    for (const [test, failed] of checks) if (!test(input as T)) issues.push({ path, message: typeof failed === "string" ? failed : failed(input as T) });
    return input as T;
  };
}

/** A string, then every check. */
export const str = (...checks: Check<string>[]): Rule<string> => typed((i) => typeof i === "string", "expected a string", ...checks);

/** An integer at least `min` (`message` when less), then every check. */
export const integer = (min: number, message: string, ...checks: Check<number>[]): Rule<number> =>
  typed((i) => typeof i === "number" && !Number.isNaN(i), "expected a number", [Number.isInteger, "must be an integer"], [(n) => n >= min, message], ...checks);

/** `rule`, or the key absent; `fallback` stands in for an absent or undefined value. */
export function optional<T>(rule: Rule<T>, fallback?: T): Rule<T | undefined> {
  const wrapped: Rule<T | undefined> = (input, path, issues) => {
    const value = input === undefined ? fallback : input;
    return value === undefined ? undefined : rule(value, path, issues);
  };
  return Object.assign(wrapped, { optional: true, fallback });
}

/** Whether `input` is an object (arrays too, as valibot's objects take them). */
const isObject = (input: unknown): input is Record<string, unknown> => !!input && typeof input === "object";

/**
 * An object with these entries and no other key; once its entries have values, each check runs
 * on the output (it lists its own issues, at the object's path or under it).
 */
export function strict(entries: Record<string, Rule>, ...checks: ((value: any, path: string, issues: ConfigIssue[]) => void)[]): Rule<any> {
  return (input, path, issues) => {
    if (!isObject(input)) return issues.push({ path, message: input === undefined ? "is required" : "expected Object" }), BAD;
    let ok = true;
    const output: Record<string, unknown> = {};
    for (const key in entries) {
      const rule = entries[key]!;
      if (key in input || rule.fallback !== undefined) {
        const value = rule(input[key], at(path, key), issues);
        if (value === BAD) ok = false;
        output[key] = value;
      } else if (!rule.optional) {
        issues.push({ path: at(path, key), message: "is required" });
        ok = false;
      }
    }
    for (const key in input) {
      if (!Object.prototype.hasOwnProperty.call(entries, key)) {
        issues.push({ path: at(path, key), message: "unknown key" });
        ok = false;
        break;
      }
    }
    if (!ok) return BAD;
    for (const check of checks) check(output, path, issues);
    return output;
  };
}

/** A check of an object's output whose issue is `message` at `path` plus `key` (none: the object's path). */
export function rule<T>(test: (value: T) => boolean, message: string, key?: string): (value: T, path: string, issues: ConfigIssue[]) => void {
  return (value, path, issues) => {
    if (!test(value)) issues.push({ path: key === undefined ? path : at(path, key), message });
  };
}

/** A non-empty array (else `message`; `empty` when it has no item) of `item`s. */
export function list(item: Rule, message: string, empty: string): Rule<unknown[]> {
  return (input, path, issues) => {
    if (!Array.isArray(input)) return issues.push({ path, message }), BAD;
    let ok = true;
    const output: unknown[] = [];
    for (let index = 0; index < input.length; index++) {
      const out = item(input[index], at(path, index), issues);
      if (out === BAD) ok = false;
      output.push(out);
    }
    if (!ok) return BAD;
    if (output.length === 0) issues.push({ path, message: empty });
    return output;
  };
}

/** A plain object (else `message`) of `value`s by any key. */
export function record(value: Rule, message: string): Rule<Record<string, unknown>> {
  return (input, path, issues) => {
    if (!isObject(input) || Array.isArray(input)) return issues.push({ path, message }), BAD;
    let ok = true;
    const output: Record<string, unknown> = {};
    for (const key in input) {
      if (!Object.prototype.hasOwnProperty.call(input, key) || key === "__proto__" || key === "prototype" || key === "constructor") continue;
      const out = value(input[key], at(path, key), issues);
      if (out === BAD) ok = false;
      output[key] = out;
    }
    return ok ? output : BAD;
  };
}
