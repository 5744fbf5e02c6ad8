/**
 * `bun:test` for the browser bundle: the test bundle (test/browser/entry.ts) maps the
 * `bun:test` import here. Tests register into a tree as under Bun; the runner on the Node side
 * (test/indexeddb-chromium.test.ts) lists them and runs them one at a time through
 * `globalThis.objstoreTests`, so each browser test is reported by the test runner. `expect` is
 * the jest-compatible `expect` package.
 * @module
 */
import { expect } from "expect";

export { expect };

type Body = () => unknown;

interface Suite {
  name: string;
  parent: Suite | undefined;
  skip: boolean;
  beforeAll: Body[];
  afterAll: Body[];
  beforeEach: Body[];
  afterEach: Body[];
  started: boolean;
}

interface Case {
  id: number;
  name: string;
  suite: Suite;
  fn: Body | undefined;
  skip: boolean;
  timeout: number;
}

/** A test as the runner lists it. */
export interface ListedTest {
  id: number;
  /** The names of its describes and its own, joined by " > ". */
  name: string;
  skip: boolean;
  timeout: number;
}

/** The outcome of one browser test. */
export interface TestOutcome {
  status: "pass" | "fail" | "skip";
  error?: string;
  ms: number;
}

let defaultTimeout = 60_000;
const root: Suite = newSuite("", undefined, false);
let currentSuite = root;
const cases: Case[] = [];

function newSuite(name: string, parent: Suite | undefined, skip: boolean): Suite {
  return { name, parent, skip, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], started: false };
}

function timeoutOf(options: unknown): number {
  if (typeof options === "number") return options;
  if (options && typeof options === "object" && typeof (options as { timeout?: unknown }).timeout === "number") {
    return (options as { timeout: number }).timeout;
  }
  return defaultTimeout;
}

function register(skip: boolean) {
  return (name: string, a?: unknown, b?: unknown): void => {
    const fn = (typeof a === "function" ? a : typeof b === "function" ? b : undefined) as Body | undefined;
    const options = typeof a === "function" ? b : a;
    cases.push({ id: cases.length, name, suite: currentSuite, fn, skip: skip || fn === undefined, timeout: timeoutOf(options) });
  };
}

type TestFn = ReturnType<typeof register> & {
  skip: TestFn;
  only: TestFn;
  todo: TestFn;
  if(condition: boolean): TestFn;
  skipIf(condition: boolean): TestFn;
};

function testFunction(skip: boolean): TestFn {
  const fn = register(skip) as TestFn;
  Object.defineProperties(fn, {
    skip: { get: () => testFunction(true) },
    todo: { get: () => testFunction(true) },
    only: { get: () => testFunction(skip) },
  });
  fn.if = (condition) => testFunction(skip || !condition);
  fn.skipIf = (condition) => testFunction(skip || condition);
  return fn;
}

/** bun's `test`. */
export const test: TestFn = testFunction(false);
/** bun's `it`. */
export const it: TestFn = test;

type DescribeFn = ((name: string, fn: () => void) => void) & {
  skip: DescribeFn;
  only: DescribeFn;
  if(condition: boolean): DescribeFn;
  skipIf(condition: boolean): DescribeFn;
};

function describeFunction(skip: boolean): DescribeFn {
  const fn = ((name: string, body: () => void) => {
    const parent = currentSuite;
    currentSuite = newSuite(name, parent, skip || parent.skip);
    try {
      body();
    } finally {
      currentSuite = parent;
    }
  }) as DescribeFn;
  Object.defineProperties(fn, {
    skip: { get: () => describeFunction(true) },
    only: { get: () => describeFunction(skip) },
  });
  fn.if = (condition) => describeFunction(skip || !condition);
  fn.skipIf = (condition) => describeFunction(skip || condition);
  return fn;
}

/** bun's `describe`. */
export const describe: DescribeFn = describeFunction(false);

/** bun's hooks. */
export const beforeAll = (fn: Body): void => void currentSuite.beforeAll.push(fn);
export const afterAll = (fn: Body): void => void currentSuite.afterAll.push(fn);
export const beforeEach = (fn: Body): void => void currentSuite.beforeEach.push(fn);
export const afterEach = (fn: Body): void => void currentSuite.afterEach.push(fn);
/** bun's `setDefaultTimeout`: applies to tests registered afterwards. */
export const setDefaultTimeout = (ms: number): void => void (defaultTimeout = ms);

function chain(suite: Suite): Suite[] {
  const out: Suite[] = [];
  for (let s: Suite | undefined = suite; s; s = s.parent) out.unshift(s);
  return out;
}

function fullName(c: Case): string {
  return [...chain(c.suite).map((s) => s.name).filter((n) => n !== ""), c.name].join(" > ");
}

async function withTimeout(fn: Body, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack ?? "";
    const head = `${error.name}: ${error.message}`;
    return stack.includes(error.message) ? stack : `${head}\n${stack}`;
  }
  return `thrown: ${String(error)}`;
}

/** Every registered test, in registration order. */
export function listTests(): ListedTest[] {
  return cases.map((c) => ({ id: c.id, name: fullName(c), skip: c.skip || c.suite.skip, timeout: c.timeout }));
}

/** Runs one test with its suites' hooks (beforeAll once per suite, on its first test). */
export async function runTest(id: number): Promise<TestOutcome> {
  const c = cases[id];
  if (!c) throw new Error(`no test ${id}`);
  const started = performance.now();
  if (c.skip || c.suite.skip || !c.fn) return { status: "skip", ms: 0 };
  const suites = chain(c.suite);
  let failure: unknown;
  let ranBefore = 0;
  try {
    for (const suite of suites) {
      if (!suite.started) {
        suite.started = true;
        for (const hook of suite.beforeAll) await withTimeout(hook, defaultTimeout, "beforeAll");
      }
    }
    for (const suite of suites) {
      ranBefore++;
      for (const hook of suite.beforeEach) await withTimeout(hook, defaultTimeout, "beforeEach");
    }
    await withTimeout(c.fn, c.timeout, "test");
  } catch (error) {
    failure = error;
  }
  for (const suite of suites.slice(0, ranBefore).reverse()) {
    for (const hook of suite.afterEach) {
      try {
        await withTimeout(hook, defaultTimeout, "afterEach");
      } catch (error) {
        failure ??= error;
      }
    }
  }
  const ms = performance.now() - started;
  return failure === undefined ? { status: "pass", ms } : { status: "fail", error: describeError(failure), ms };
}

/** Runs every started suite's afterAll hooks, innermost first; returns their errors. */
export async function finish(): Promise<string[]> {
  const errors: string[] = [];
  const started = new Set<Suite>();
  for (const c of cases) for (const s of chain(c.suite)) if (s.started) started.add(s);
  for (const suite of [...started].reverse()) {
    for (const hook of suite.afterAll) {
      try {
        await withTimeout(hook, defaultTimeout, "afterAll");
      } catch (error) {
        errors.push(describeError(error));
      }
    }
  }
  return errors;
}
