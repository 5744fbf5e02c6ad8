/**
 * `bun:test` for Deno, so the test files written for `bun test` run unchanged under
 * `deno test`. scripts/test.mjs maps the specifier `bun:test` to this file with a generated
 * import map (the published deno.json stays free of it); `expect` is jest's npm package.
 *
 * Every bun test becomes one flat `Deno.test` named `outer > inner > name`, so the three
 * runtimes count tests the same way (Deno would count nested steps separately). Deno runs a
 * file's tests one after another in registration order, which is what makes the hooks work:
 * a suite's `beforeAll` hooks run before its first test, its `afterAll` hooks after its last
 * one; `beforeEach` run outermost first, `afterEach` innermost first, as in bun.
 *
 * @module
 */

import { expect } from "expect";
import {
  type Body,
  callBody,
  currentDefaultTimeout,
  type DescribeFunction,
  formatEachName,
  type HookFunction,
  labelOf,
  parseTestArgs,
  rowArgs,
  setDefaultTimeout,
  type TestFunction,
  timeoutOf,
  withTimeout,
} from "./common.ts";

export { expect, setDefaultTimeout };

interface Hook {
  fn: Body;
  timeout: number;
}

interface Suite {
  name: string;
  parent: Suite | undefined;
  skip: boolean;
  only: boolean;
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
  /** Tests under this suite (nested ones too) that will run and have not finished yet. */
  pending: number;
  started: boolean;
  /** Set when a `beforeAll` hook failed: every test of the suite fails with it. */
  setupError: { error: unknown } | undefined;
}

function newSuite(name: string, parent: Suite | undefined, skip = false, only = false): Suite {
  return {
    name,
    parent,
    skip: skip || (parent?.skip ?? false),
    only: only || (parent?.only ?? false),
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: [],
    pending: 0,
    started: false,
    setupError: undefined,
  };
}

// Deno runs each test module in its own isolate, so this root is per test file.
const root = newSuite("", undefined);
let current = root;

/** The chain from the file's root suite down to `suite`. */
function ancestry(suite: Suite): Suite[] {
  const chain: Suite[] = [];
  for (let s: Suite | undefined = suite; s !== undefined; s = s.parent) chain.unshift(s);
  return chain;
}

function fullName(suite: Suite, name: string): string {
  return [...ancestry(suite).slice(1).map((s) => s.name), name].join(" > ");
}

async function runHooks(kind: string, hooks: readonly Hook[]): Promise<void> {
  for (const hook of hooks) await withTimeout(`${kind} hook`, hook.timeout, () => callBody(hook.fn));
}

interface Registration {
  name: string;
  fn: Body | undefined;
  args: readonly unknown[];
  timeout: number;
  skip?: boolean;
  only?: boolean;
}

function register({ name, fn, args, timeout, skip = false, only = false }: Registration): void {
  const suite = current;
  const chain = ancestry(suite);
  const ignore = skip || suite.skip || fn === undefined;
  if (!ignore) for (const s of chain) s.pending++;
  Deno.test({
    name: fullName(suite, name),
    ignore,
    only: only || suite.only,
    // Servers, sockets and timers opened in beforeAll and closed in afterAll live across
    // several tests; Deno's op/resource sanitizers would report them as leaks of whichever
    // test happened to run first, so they are off (bun and node have no such checks).
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      let failure: { error: unknown } | undefined;
      const fail = (error: unknown) => {
        failure ??= { error };
      };
      try {
        for (const s of chain) {
          if (!s.started) {
            s.started = true;
            try {
              await runHooks("beforeAll", s.beforeAll);
            } catch (error) {
              s.setupError = { error };
            }
          }
          if (s.setupError !== undefined) throw s.setupError.error;
        }
        try {
          for (const s of chain) await runHooks("beforeEach", s.beforeEach);
          await withTimeout(`test "${name}"`, timeout, () => callBody(fn as Body, args));
        } catch (error) {
          fail(error);
        }
        // As in bun and jest, afterEach hooks run even when a beforeEach or the test failed.
        for (const s of [...chain].reverse()) {
          try {
            await runHooks("afterEach", s.afterEach);
          } catch (error) {
            fail(error);
          }
        }
      } catch (error) {
        fail(error);
      } finally {
        for (const s of [...chain].reverse()) {
          s.pending--;
          if (s.pending === 0 && s.started) {
            try {
              await runHooks("afterAll", s.afterAll);
            } catch (error) {
              fail(error);
            }
          }
        }
      }
      if (failure !== undefined) throw failure.error;
    },
  });
}

type TestFn = {
  (name: unknown, a?: unknown, b?: unknown): void;
  only(name: unknown, a?: unknown, b?: unknown): void;
  skip(name: unknown, a?: unknown, b?: unknown): void;
  todo(name: unknown, a?: unknown, b?: unknown): void;
  if(condition: boolean): (name: unknown, a?: unknown, b?: unknown) => void;
  skipIf(condition: boolean): (name: unknown, a?: unknown, b?: unknown) => void;
  each(table: readonly unknown[]): (name: string, a?: unknown, b?: unknown) => void;
};

function makeTest(): TestFn {
  const define = (flags: { skip?: boolean; only?: boolean }) => (name: unknown, a?: unknown, b?: unknown) => {
    const call = parseTestArgs(name, a, b);
    register({ ...call, args: [], ...flags });
  };
  const test = define({}) as TestFn;
  test.only = define({ only: true });
  test.skip = define({ skip: true });
  test.todo = define({ skip: true });
  test.if = (condition) => define({ skip: !condition });
  test.skipIf = (condition) => define({ skip: condition });
  test.each = (table) => (template, a, b) => {
    const call = parseTestArgs(template, a, b);
    table.forEach((row, index) => {
      const args = rowArgs(row);
      register({ ...call, name: formatEachName(call.name, row, args, index), args });
    });
  };
  return test;
}

/** bun's `test`, registered as a flat `Deno.test`. */
export const test: TestFunction = makeTest() as unknown as TestFunction;
/** Alias of {@link test}. */
export const it: TestFunction = test;

type DescribeFn = {
  (label: unknown, fn: () => void): void;
  only(label: unknown, fn: () => void): void;
  skip(label: unknown, fn?: () => void): void;
  todo(label: unknown, fn?: () => void): void;
  if(condition: boolean): (label: unknown, fn: () => void) => void;
  skipIf(condition: boolean): (label: unknown, fn: () => void) => void;
  each(table: readonly unknown[]): (label: string, fn: (...args: never[]) => void) => void;
};

function defineSuite(label: unknown, fn: ((...args: never[]) => void) | undefined, flags: { skip?: boolean; only?: boolean }, args: unknown[] = []): void {
  // bun also accepts describe(fn) with the function's name as label.
  if (typeof label === "function" && fn === undefined) {
    fn = label as () => void;
    label = (label as () => void).name;
  }
  const suite = newSuite(labelOf(label), current, flags.skip, flags.only);
  const parent = current;
  current = suite;
  try {
    const result = (fn as ((...xs: unknown[]) => unknown) | undefined)?.(...args);
    if (result instanceof Promise) throw new Error(`describe("${suite.name}") callback must not be async`);
  } finally {
    current = parent;
  }
}

function makeDescribe(): DescribeFn {
  const define = (flags: { skip?: boolean; only?: boolean }) => (label: unknown, fn?: () => void) => defineSuite(label, fn, flags);
  const describe = define({}) as DescribeFn;
  describe.only = define({ only: true });
  describe.skip = define({ skip: true });
  describe.todo = define({ skip: true });
  describe.if = (condition) => define({ skip: !condition });
  describe.skipIf = (condition) => define({ skip: condition });
  describe.each = (table) => (template, fn) => {
    table.forEach((row, index) => {
      const args = rowArgs(row);
      defineSuite(formatEachName(template, row, args, index), fn, {}, args);
    });
  };
  return describe;
}

/** bun's `describe`: a name prefix and a scope for hooks. */
export const describe: DescribeFunction = makeDescribe() as unknown as DescribeFunction;

function hook(kind: "beforeAll" | "afterAll" | "beforeEach" | "afterEach") {
  return (fn: Body, options?: unknown): void => {
    current[kind].push({ fn, timeout: options === undefined ? currentDefaultTimeout() : timeoutOf(options) });
  };
}

/** Runs once before the first test of the enclosing describe (or file). */
export const beforeAll: HookFunction = hook("beforeAll");
/** Runs once after the last test of the enclosing describe (or file). */
export const afterAll: HookFunction = hook("afterAll");
/** Runs before every test of the enclosing describe (or file), outermost first. */
export const beforeEach: HookFunction = hook("beforeEach");
/** Runs after every test of the enclosing describe (or file), innermost first. */
export const afterEach: HookFunction = hook("afterEach");
