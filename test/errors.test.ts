// Acceptance tests for the error classes of DESIGN.md §1: codes, names, instanceof relations, and
// that a few operations on a Memory store reject with the right class and code (the full matrix
// lives in the conformance suite).
import { describe, test, expect } from "bun:test";
import {
  BackendError,
  ConfigError,
  InvalidInputError,
  ObjectExistsError,
  ObjectMissingError,
  ObjectStoreError,
  WrongObjectVersionError,
  createObjectStoreInstance,
  parseStoreConfig,
  type JsonValue,
  type ObjectStore,
} from "../mod.ts";
import type { Driver } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

const subclasses: [string, ErrorClass][] = [
  ["WrongObjectVersionError", WrongObjectVersionError],
  ["ObjectExistsError", ObjectExistsError],
  ["ObjectMissingError", ObjectMissingError],
  ["InvalidInputError", InvalidInputError],
  ["ConfigError", ConfigError],
  ["BackendError", BackendError],
];

/** The rejection of `fn()`, which must return a promise (not throw synchronously). */
async function rejection(fn: () => unknown): Promise<unknown> {
  const p = fn() as Promise<unknown>;
  expect(typeof p?.then).toBe("function");
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** Checks class, code and name of `err`, and that it is no other subclass. */
function expectError(err: unknown, cls: ErrorClass, name: string, code: string): void {
  expect(err).toBeInstanceOf(cls);
  expect(err).toBeInstanceOf(ObjectStoreError);
  expect(err).toBeInstanceOf(Error);
  for (const [, other] of subclasses) if (other !== cls) expect(err).not.toBeInstanceOf(other);
  const e = err as ObjectStoreError;
  expect(e.code).toBe(code as ObjectStoreError["code"]);
  expect(e.name).toBe(name);
  expect(typeof e.message).toBe("string");
  expect(e.message.length).toBeGreaterThan(0);
}

function newStore(): ObjectStore {
  return createObjectStoreInstance({ Type: "Memory" });
}

describe("the classes", () => {
  test("ObjectStoreError extends Error", () => {
    expect(ObjectStoreError.prototype).toBeInstanceOf(Error);
  });
  for (const [name, cls] of subclasses) {
    test(`${name} extends ObjectStoreError and carries its class name`, () => {
      expect(cls.prototype).toBeInstanceOf(ObjectStoreError);
      expect(cls.prototype).toBeInstanceOf(Error);
      expect(cls.name).toBe(name);
    });
  }
  test("ObjectStoreError carries its class name", () => {
    expect(ObjectStoreError.name).toBe("ObjectStoreError");
  });
});

describe("thrown by operations on a Memory store", () => {
  test("OBJECT_EXISTS: save without a version of an existing object", async () => {
    const store = newStore();
    await store.save("Person", "ann", 1);
    expectError(await rejection(() => store.save("Person", "ann", 2)), ObjectExistsError, "ObjectExistsError", "OBJECT_EXISTS");
  });

  test("OBJECT_MISSING: save with a version of a missing object; remove of a missing object", async () => {
    const store = newStore();
    expectError(await rejection(() => store.save("Person", "ann", 1, "1")), ObjectMissingError, "ObjectMissingError", "OBJECT_MISSING");
    expectError(await rejection(() => store.save("Person", "ann", 1, 1)), ObjectMissingError, "ObjectMissingError", "OBJECT_MISSING");
    expectError(await rejection(() => store.remove("Person", "ann")), ObjectMissingError, "ObjectMissingError", "OBJECT_MISSING");
    await store.remove("Person", "ann", { ignoreMissing: true });
  });

  test("WRONG_OBJECT_VERSION: save and remove with another version", async () => {
    const store = newStore();
    await store.save("Person", "ann", 1);
    expectError(await rejection(() => store.save("Person", "ann", 2, "2")), WrongObjectVersionError, "WrongObjectVersionError", "WRONG_OBJECT_VERSION");
    expectError(await rejection(() => store.save("Person", "ann", 2, "01")), WrongObjectVersionError, "WrongObjectVersionError", "WRONG_OBJECT_VERSION");
    expectError(await rejection(() => store.remove("Person", "ann", { version: 7 })), WrongObjectVersionError, "WrongObjectVersionError", "WRONG_OBJECT_VERSION");
  });

  test("WRONG_OBJECT_VERSION: update with another version", async () => {
    const store = newStore();
    await store.save("Person", "ann", 1);
    expectError(await rejection(() => store.update("Person", "ann", () => 2, "5")), WrongObjectVersionError, "WrongObjectVersionError", "WRONG_OBJECT_VERSION");
  });

  test("INVALID_OBJECT_TYPE: a type with _, an empty type; on reads too", async () => {
    const store = newStore();
    for (const fn of [() => store.save("Bad_Type", "k", 1), () => store.save("", "k", 1), () => store.get("Bad_Type", "k")]) {
      expectError(await rejection(fn), InvalidInputError, "InvalidInputError", "INVALID_OBJECT_TYPE");
    }
  });

  test("INVALID_KEY: an empty key, a control character; on reads too", async () => {
    const store = newStore();
    for (const fn of [() => store.save("Person", "", 1), () => store.save("Person", "a\u0000b", 1), () => store.get("Person", "")]) {
      expectError(await rejection(fn), InvalidInputError, "InvalidInputError", "INVALID_KEY");
    }
  });

  test("INVALID_VALUE names the offending path", async () => {
    const store = newStore();
    const value = { a: { b: [1, 2, undefined] } } as unknown as JsonValue;
    const err = await rejection(() => store.save("Person", "ann", value));
    expectError(err, InvalidInputError, "InvalidInputError", "INVALID_VALUE");
    expect((err as Error).message).toContain("$.a.b[2]");
    expect(await store.get("Person", "ann")).toBeUndefined();
  });

  test("INVALID_VALUE: update's fn returning undefined", async () => {
    const store = newStore();
    const err = await rejection(() => store.update("Person", "ann", () => undefined as unknown as JsonValue));
    expectError(err, InvalidInputError, "InvalidInputError", "INVALID_VALUE");
  });

  test("INVALID_ARGUMENT: a negative offset, a null or empty version", async () => {
    const store = newStore();
    await store.save("Person", "ann", 1);
    for (const fn of [
      () => store.page("Person", { offset: -1 }),
      () => store.page("Person", { pagesize: 1.5 }),
      () => store.save("Person", "ann", 2, null as unknown as string),
      () => store.save("Person", "ann", 2, ""),
    ]) {
      expectError(await rejection(fn), InvalidInputError, "InvalidInputError", "INVALID_ARGUMENT");
    }
  });

  test("CLOSED: use after close() is an ObjectStoreError with code CLOSED", async () => {
    const store = newStore();
    await store.close();
    await store.close();
    for (const fn of [() => store.get("Person", "ann"), () => store.save("Person", "ann", 1), () => store.types()]) {
      const err = await rejection(fn);
      expect(err).toBeInstanceOf(ObjectStoreError);
      expect(err).toBeInstanceOf(Error);
      for (const [, cls] of subclasses) expect(err).not.toBeInstanceOf(cls);
      expect((err as ObjectStoreError).code).toBe("CLOSED");
      expect((err as ObjectStoreError).name).toBe("ObjectStoreError");
    }
  });

  test("CLOSED: a tx used after its transaction ended", async () => {
    const store = newStore();
    let kept: Parameters<Parameters<ObjectStore["transaction"]>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
    });
    const err = await rejection(() => kept!.save("Person", "ann", 1));
    expect(err).toBeInstanceOf(ObjectStoreError);
    expect((err as ObjectStoreError).code).toBe("CLOSED");
  });

  test("inside a transaction: OBJECT_EXISTS from tx.save; the error fn throws is re-thrown unchanged", async () => {
    const store = newStore();
    await store.save("Person", "ann", 1);
    const err = await rejection(() => store.transaction((tx) => tx.save("Person", "ann", 2)));
    expectError(err, ObjectExistsError, "ObjectExistsError", "OBJECT_EXISTS");
    const mine = new Error("mine");
    expect(await rejection(() => store.transaction(async () => { throw mine; }))).toBe(mine);
  });

  test("INVALID_CONFIG: ConfigError from parseStoreConfig", () => {
    let err: unknown;
    try {
      parseStoreConfig({ Type: "memory" });
    } catch (e) {
      err = e;
    }
    expectError(err, ConfigError, "ConfigError", "INVALID_CONFIG");
    expect(Array.isArray((err as ConfigError).issues)).toBe(true);
  });

  test("BACKEND_ERROR: a driver failing, also by throwing instead of rejecting, keeps the failure as cause", async () => {
    const failure = new Error("disk on fire");
    const failing: Driver = {
      ...memoryDriver(),
      get: () => {
        throw failure;
      },
      page: () => Promise.reject(failure),
      types: () => {
        throw failure;
      },
    };
    const store = createStore(failing);
    for (const call of [() => store.get("T", "k"), () => store.page("T"), () => store.types()]) {
      const err = await rejection(call);
      expectError(err, BackendError, "BackendError", "BACKEND_ERROR");
      expect((err as BackendError).cause).toBe(failure);
    }
  });
});
