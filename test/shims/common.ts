/**
 * Shared by the `bun:test` shims for Deno (`deno-bun-test.ts`) and Node (`node-bun-test.ts`):
 * argument normalisation of bun's `test()`/hooks, `done`-callback support, timeouts and the
 * `test.each` name formatting. Runtime-neutral: no `Deno.*`, no `node:*`.
 *
 * @module
 */

/** Default per-test and per-hook timeout in every runtime (bun's own default is 5 s). */
export const DEFAULT_TIMEOUT_MS = 60_000;

let defaultTimeout = DEFAULT_TIMEOUT_MS;

/** bun's `setDefaultTimeout`: applies to tests and hooks registered afterwards. */
export function setDefaultTimeout(milliseconds: number): void {
  defaultTimeout = milliseconds;
}

/** The current default timeout. */
export function currentDefaultTimeout(): number {
  return defaultTimeout;
}

/** A test or hook body as the shims call it (the public types are below). */
export type Body = (...args: never[]) => unknown;

/** bun's test options: a timeout in ms, or an object. */
export type TestOptions = number | { timeout?: number; retry?: number; repeats?: number };

// The public API of the shims, a subset of bun's `bun:test` types (so `deno check` works too).

/** The callback a `done`-style body calls when finished, with an error to fail. */
export type Done = (error?: unknown) => void;
/** A test or hook body: sync, async, or calling `done`. */
export type TestBody = (done: Done) => unknown;
/** A `test.each` body: the row's values, spread when the row is an array. */
export type EachBody<A extends readonly unknown[]> = (...args: A) => unknown;

/** What `test.each(table)` returns. */
export interface EachTest<A extends readonly unknown[]> {
  (name: string, fn: EachBody<A>, options?: TestOptions): void;
  (name: string, options: TestOptions, fn: EachBody<A>): void;
}

/** bun's `test` / `it`. */
export interface TestFunction {
  (name: string, fn?: TestBody, options?: TestOptions): void;
  (name: string, options: TestOptions, fn: TestBody): void;
  only: TestFunction;
  skip: TestFunction;
  todo: TestFunction;
  if(condition: boolean): TestFunction;
  skipIf(condition: boolean): TestFunction;
  each<T extends readonly unknown[]>(table: readonly T[]): EachTest<T>;
  each<T>(table: readonly T[]): EachTest<[T]>;
}

/** bun's describe labels: strings, numbers, or named functions/classes. */
export type Label = string | number | { readonly name: string };

/** bun's `describe`. */
export interface DescribeFunction {
  (label: Label, fn: () => void): void;
  (fn: () => void): void;
  only: DescribeFunction;
  skip: DescribeFunction;
  todo: DescribeFunction;
  if(condition: boolean): DescribeFunction;
  skipIf(condition: boolean): DescribeFunction;
  each<T extends readonly unknown[]>(table: readonly T[]): (label: string, fn: (...args: T) => void) => void;
  each<T>(table: readonly T[]): (label: string, fn: (arg: T) => void) => void;
}

/** bun's `beforeAll`, `afterAll`, `beforeEach`, `afterEach`. */
export type HookFunction = (fn: TestBody, options?: number | { timeout?: number }) => void;

/** A parsed `test(...)` call. */
export interface TestCall {
  name: string;
  fn: Body | undefined;
  timeout: number;
}

/** bun accepts both `test(name, fn, options?)` and `test(name, options, fn)`. */
export function parseTestArgs(name: unknown, a?: unknown, b?: unknown): TestCall {
  let fn: Body | undefined;
  let options: unknown;
  if (typeof a === "function") {
    fn = a as Body;
    options = b;
  } else if (typeof b === "function") {
    fn = b as Body;
    options = a;
  }
  return { name: labelOf(name), fn, timeout: timeoutOf(options) };
}

/** The timeout of bun's `number | { timeout }` options, or the default. */
export function timeoutOf(options: unknown): number {
  if (typeof options === "number") return options;
  if (options !== null && typeof options === "object" && typeof (options as { timeout?: unknown }).timeout === "number") {
    return (options as { timeout: number }).timeout;
  }
  return defaultTimeout;
}

/** bun's describe labels may be strings, numbers, or functions/classes (their name is used). */
export function labelOf(label: unknown): string {
  if (typeof label === "function") return label.name;
  if (label !== null && typeof label === "object" && "name" in label) return String((label as { name: unknown }).name);
  return String(label);
}

/**
 * Calls a test or hook body with `args`; when it declares one more parameter than that,
 * it is a `done`-callback body (as in bun and jest) and the promise settles on `done(err?)`.
 */
export function callBody(fn: Body, args: readonly unknown[] = []): Promise<unknown> {
  const call = fn as (...xs: unknown[]) => unknown;
  if (fn.length > args.length) {
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined || error === null ? resolve(undefined) : reject(error));
      try {
        call(...args, done);
      } catch (error) {
        reject(error);
      }
    });
  }
  try {
    return Promise.resolve(call(...args));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Runs `run` and fails with a clear message after `ms` (0 or less: no limit). */
export async function withTimeout<T>(what: string, ms: number, run: () => Promise<T>): Promise<T> {
  if (!(ms > 0) || !Number.isFinite(ms)) return run();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Formats a `test.each` name like bun/jest: `%s %d %i %f %j %o %O %p %#` and `$field.path`. */
export function formatEachName(template: string, row: unknown, args: readonly unknown[], index: number): string {
  let next = 0;
  let name = template.replace(/%([sdifjoOp#%])/g, (match, kind: string) => {
    if (kind === "%") return "%";
    if (kind === "#") return String(index);
    if (next >= args.length) return match;
    const value = args[next++];
    switch (kind) {
      case "s":
        return typeof value === "string" ? value : stringify(value);
      case "d":
      case "i":
        return typeof value === "number" ? String(kind === "i" ? Math.trunc(value) : value) : String(Number(value));
      case "f":
        return String(Number(value));
      default:
        return stringify(value);
    }
  });
  if (row !== null && typeof row === "object" && !Array.isArray(row)) {
    name = name.replace(/\$([A-Za-z_$][\w$]*(?:\.[\w$]+)*)/g, (match, path: string) => {
      let value: unknown = row;
      for (const part of path.split(".")) {
        if (value === null || typeof value !== "object" || !(part in value)) return match;
        value = (value as Record<string, unknown>)[part];
      }
      return typeof value === "string" ? value : stringify(value);
    });
  }
  return name;
}

function stringify(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The argument list a `test.each` row passes to the body: arrays are spread, anything else is one argument. */
export function rowArgs(row: unknown): unknown[] {
  return Array.isArray(row) ? [...row] : [row];
}
