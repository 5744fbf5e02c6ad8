// The `bun:test` shims for Deno and Node (test/shims/) must behave like bun itself: this file
// runs under all three runtimes (npm test) and pins the behaviour the other tests rely on:
// hook order, async hooks, `done` callbacks, test.each names and arguments, skips, expect.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log: string[] = [];

beforeAll(async () => {
  await delay(2);
  log.push("file beforeAll");
});
beforeEach(() => {
  log.push("file beforeEach");
});
afterEach(() => {
  log.push("file afterEach");
});

describe("outer", () => {
  beforeAll(() => {
    log.push("outer beforeAll");
  });
  afterAll(async () => {
    await delay(2);
    log.push("outer afterAll");
  });
  beforeEach(() => {
    log.push("outer beforeEach");
  });
  afterEach(() => {
    log.push("outer afterEach");
  });

  test("first", () => {
    log.push("first");
  });

  describe("inner", () => {
    beforeAll(() => {
      log.push("inner beforeAll");
    });
    afterAll(() => {
      log.push("inner afterAll");
    });
    beforeEach(() => {
      log.push("inner beforeEach");
    });
    afterEach(() => {
      log.push("inner afterEach");
    });
    test("second", async () => {
      await delay(2);
      log.push("second");
    });
  });
});

test("hooks run in bun's order: beforeAll once per describe, beforeEach outermost first, afterEach innermost first", () => {
  expect(log).toEqual([
    "file beforeAll",
    "outer beforeAll",
    "file beforeEach",
    "outer beforeEach",
    "first",
    "outer afterEach",
    "file afterEach",
    "inner beforeAll",
    "file beforeEach",
    "outer beforeEach",
    "inner beforeEach",
    "second",
    "inner afterEach",
    "outer afterEach",
    "file afterEach",
    "inner afterAll",
    "outer afterAll",
    "file beforeEach",
  ]);
});

describe("test forms", () => {
  test("a done callback ends the test when called", (done) => {
    setTimeout(() => done(), 2);
  });

  test("the options argument may come before the body", { timeout: 10_000 }, async () => {
    await delay(1);
  });

  test("a per-test timeout longer than bun's 5 s default is accepted", async () => {
    await delay(1);
  }, 120_000);

  test.each([
    [1, 2, 3],
    [2, 3, 5],
  ])("array rows are spread: %i + %i = %i", (a, b, sum) => {
    expect(a + b).toBe(sum);
  });

  const seen: string[] = [];
  test.each([{ name: "alpha", size: 1 }, { name: "beta", size: 2 }])("object rows are one argument: $name", (row) => {
    seen.push(`${row.name}:${row.size}`);
  });
  test("test.each ran every row in order", () => {
    expect(seen).toEqual(["alpha:1", "beta:2"]);
  });

  test.skip("test.skip does not run", () => {
    throw new Error("a skipped test ran");
  });
  test.if(false)("test.if(false) does not run", () => {
    throw new Error("a test.if(false) test ran");
  });
  test.skipIf(true)("test.skipIf(true) does not run", () => {
    throw new Error("a test.skipIf(true) test ran");
  });
  describe.skip("describe.skip", () => {
    test("does not run", () => {
      throw new Error("a test in describe.skip ran");
    });
  });
});

describe.each([["memory"], ["files"]])("describe.each %s", (kind) => {
  test("gets its row", () => {
    expect(["memory", "files"]).toContain(kind);
  });
});

describe("expect", () => {
  class Failure extends Error {}

  test("jest matchers are available", async () => {
    expect({ a: 1, b: [1, 2] }).toEqual({ a: 1, b: [1, 2] });
    expect({ a: 1, b: undefined }).not.toStrictEqual({ a: 1 });
    expect({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 2 } });
    expect([1, 2, 3]).toHaveLength(3);
    expect("objstore").toContain("store");
    expect(2).toBeGreaterThan(1);
    expect(2).toBeGreaterThanOrEqual(2);
    expect(1).toBeLessThan(2);
    expect(undefined).toBeUndefined();
    expect(null).toBeDefined();
    expect(new Failure("x")).toBeInstanceOf(Error);
    expect(() => {
      throw new Failure("bad key");
    }).toThrow(Failure);
    expect(() => {
      throw new Failure("bad key");
    }).toThrow("bad key");
    await expect(Promise.resolve(5)).resolves.toBe(5);
    await expect(Promise.reject(new Failure("conflict"))).rejects.toThrow(Failure);
    await expect(Promise.reject(new Failure("conflict"))).rejects.toBeInstanceOf(Failure);
  });

  test("a failed expectation throws", () => {
    expect(() => expect(1).toBe(2)).toThrow();
    expect(() => expect({ a: 1 }).toEqual({ a: 2 })).toThrow();
  });
});
