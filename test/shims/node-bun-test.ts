/**
 * `bun:test` for Node 20, so the test files written for `bun test` run unchanged under
 * `node --test`. The resolve hook in `node-hooks.mjs` (registered by `node-register.mjs`)
 * maps the specifier `bun:test` here; tsx compiles it. Suites and hooks map one to one onto
 * `node:test` (`describe`, `it`, `before`, `after`, `beforeEach`, `afterEach`);
 * `expect` is jest's npm package.
 *
 * @module
 */

import * as nodeTest from "node:test";
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
} from "./common.ts";

export { expect, setDefaultTimeout };

/** How long a test file's process may linger after its last test before it is ended. */
const LINGER_MS = 10_000;

// node:test keeps a test file's process alive until its event loop is empty, so a handle a
// test leaves open (a server, a socket, an interval) would hang the whole run, where bun and
// deno just exit. `--test-force-exit` would end it, but on Node 20 it can also cut off the
// last results on their way to the parent (seen: a run silently missing 5-20 passed tests).
// So once every test of the file is done, the process gets LINGER_MS to end by itself,
// and is then ended with the exit code node:test has set.
nodeTest.after(() => {
  setTimeout(() => {
    console.error(`[node-bun-test] handles still open ${LINGER_MS / 1000} s after the last test (a server or socket not closed?); exiting`);
    process.exit();
  }, LINGER_MS).unref();
});

type Flags = { skip?: boolean; only?: boolean; todo?: boolean };

/**
 * True while the body of a skipped describe runs. node:test would report a skipped describe
 * as one skipped suite; bun reports each of its tests as skipped and runs none of its hooks.
 */
let skipping = false;

function register(name: string, fn: Body | undefined, args: readonly unknown[], timeout: number, flags: Flags): void {
  const options = {
    timeout,
    ...(flags.skip || skipping || fn === undefined ? { skip: true } : {}),
    ...(flags.todo ? { todo: true } : {}),
    ...(flags.only ? { only: true } : {}),
  };
  // A zero-parameter wrapper: node:test must not mistake a bun body for its own (t, done) style.
  nodeTest.it(name, options, async () => {
    if (fn !== undefined) await callBody(fn, args);
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
  const define = (flags: Flags) => (name: unknown, a?: unknown, b?: unknown) => {
    const call = parseTestArgs(name, a, b);
    register(call.name, call.fn, [], call.timeout, flags);
  };
  const test = define({}) as TestFn;
  test.only = define({ only: true });
  test.skip = define({ skip: true });
  // bun does not run todo tests unless asked; node would run them and report failures as todo.
  test.todo = define({ skip: true, todo: true });
  test.if = (condition) => define({ skip: !condition });
  test.skipIf = (condition) => define({ skip: condition });
  test.each = (table) => (template, a, b) => {
    const call = parseTestArgs(template, a, b);
    table.forEach((row, index) => {
      const args = rowArgs(row);
      register(formatEachName(call.name, row, args, index), call.fn, args, call.timeout, {});
    });
  };
  return test;
}

/** bun's `test`, as a `node:test` `it`. */
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

function defineSuite(label: unknown, fn: ((...args: never[]) => void) | undefined, flags: Flags, args: unknown[] = []): void {
  if (typeof label === "function" && fn === undefined) {
    fn = label as () => void;
    label = (label as () => void).name;
  }
  const name = labelOf(label);
  nodeTest.describe(name, flags.only ? { only: true } : {}, () => {
    const outer = skipping;
    skipping = outer || flags.skip === true;
    try {
      const result = (fn as ((...xs: unknown[]) => unknown) | undefined)?.(...args);
      if (result instanceof Promise) throw new Error(`describe("${name}") callback must not be async`);
    } finally {
      skipping = outer;
    }
  });
}

function makeDescribe(): DescribeFn {
  const define = (flags: Flags) => (label: unknown, fn?: () => void) => defineSuite(label, fn, flags);
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

/** bun's `describe`, as a `node:test` `describe`. */
export const describe: DescribeFunction = makeDescribe() as unknown as DescribeFunction;

function hook(register: (fn: () => unknown, options: { timeout: number }) => void) {
  return (fn: Body, options?: unknown): void => {
    if (skipping) return;
    const timeout = options === undefined ? currentDefaultTimeout() : timeoutOf(options);
    register(() => callBody(fn), { timeout });
  };
}

/** Runs once before the first test of the enclosing describe (or file). */
export const beforeAll: HookFunction = hook(nodeTest.before);
/** Runs once after the last test of the enclosing describe (or file). */
export const afterAll: HookFunction = hook(nodeTest.after);
/** Runs before every test of the enclosing describe (or file), outermost first. */
export const beforeEach: HookFunction = hook(nodeTest.beforeEach);
/** Runs after every test of the enclosing describe (or file), innermost first. */
export const afterEach: HookFunction = hook(nodeTest.afterEach);
