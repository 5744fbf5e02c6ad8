/**
 * Shared plumbing of the conformance suite: a fake clock, a store opener that closes
 * every store after each test, an error matcher and small helpers.
 * @module
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { ObjectStoreError } from "../../mod.ts";
import type { CreateOptions, ObjectStore, StoredObject } from "../../mod.ts";

/** Makes a fresh, empty, isolated store for every call. */
export type StoreFactory = (options: CreateOptions) => ObjectStore | Promise<ObjectStore>;

/** Per-driver settings of a conformance run. */
export interface ConformanceSettings {
  /** Cases to skip, by case name (unique in the suite, e.g. "close is idempotent"), each with the reason. */
  skip?: Record<string, string>;
  /** Operations per differential run. @default 2000 */
  differentialOperations?: number;
  /** Seeds of the differential runs (an env var OBJSTORE_SEED overrides). */
  differentialSeeds?: number[];
  /** Timeout of slow cases (differential, large scans), ms. @default 60000 */
  slowTimeout?: number;
}

/** A controllable clock, handed to every store as `now`. */
export class FakeClock {
  #t = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  reset(): void {
    this.#t = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  }
  advance(ms: number): void {
    this.#t += ms;
  }
  readonly now = (): Date => new Date(this.#t);
  iso(): string {
    return new Date(this.#t).toISOString();
  }
}

/** What every case file receives. */
export interface Harness {
  clock: FakeClock;
  settings: ConformanceSettings;
  /** A fresh empty store, closed after the test. */
  open(extra?: Partial<CreateOptions>): Promise<ObjectStore>;
  /** Registers a case under the current describe, honouring `settings.skip`. */
  test(name: string, fn: () => Promise<void>, timeout?: number): void;
}

export function createHarness(factory: StoreFactory, settings: ConformanceSettings): Harness {
  const clock = new FakeClock();
  let opened: ObjectStore[] = [];
  beforeEach(() => clock.reset());
  afterEach(async () => {
    const stores = opened;
    opened = [];
    for (const store of stores) await store.close().catch(() => {});
  });
  return {
    clock,
    settings,
    async open(extra = {}) {
      const store = await factory({ now: clock.now, ...extra });
      opened.push(store);
      return store;
    },
    test(name, fn, timeout) {
      const reason = settings.skip?.[name];
      if (reason !== undefined) test.skip(`${name} (skipped: ${reason})`, fn);
      else if (timeout !== undefined) test(name, fn, timeout);
      else test(name, fn);
    },
  };
}

/** Awaits `action` and checks it rejects with an ObjectStoreError of class `cls` and `code`. */
export async function expectError(
  action: Promise<unknown>,
  cls: abstract new (...args: never[]) => ObjectStoreError,
  code: string | string[],
): Promise<ObjectStoreError> {
  let caught: unknown;
  let threw = false;
  try {
    await action;
  } catch (error) {
    threw = true;
    caught = error;
  }
  if (!threw) throw new Error(`expected ${cls.name} ${String(code)}, but nothing was thrown`);
  if (!(caught instanceof ObjectStoreError)) {
    throw new Error(`expected ObjectStoreError ${String(code)}, got ${describeError(caught)}`);
  }
  const codes = Array.isArray(code) ? code : [code];
  if (!codes.includes(caught.code) || !(caught instanceof cls)) {
    throw new Error(`expected ${cls.name} ${codes.join("|")}, got ${describeError(caught)}`);
  }
  return caught;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.constructor.name}${code === undefined ? "" : ` ${String(code)}`}: ${error.message}`;
  }
  return `non-error ${String(error)}`;
}

/** Collects an async iterable (scan) into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Keys of a list of stored objects. */
export function keysOf(objects: StoredObject<unknown>[]): string[] {
  return objects.map((o) => o.key);
}

/** Compares strings by Unicode code point (not UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** Saves `rows` (key -> value) one by one, in the given order. */
export async function saveAll(
  store: ObjectStore,
  type: string,
  rows: [string, unknown][],
): Promise<void> {
  for (const [key, value] of rows) await store.save(type, key, value as never);
}

/** Deterministic shuffle (so a failure reproduces). */
export function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export { expect };
