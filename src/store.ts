/**
 * `createStore`: the one layer over every driver. It validates input, copies values, applies
 * the version rules, runs transactions and wraps backend failures (STYLE: "two layers").
 *
 * @module
 */
import { type CallOptions, CommitConflict, type Driver, type Expect, type Write } from "./driver.ts";
import { BackendError, InvalidInputError, ObjectMissingError, ObjectStoreError, WrongObjectVersionError } from "./errors.ts";
import { buildPage, planPage } from "./paging.ts";
import type { Staging } from "./staging.ts";
import { compareCodePoints, parseQuery } from "./query.ts";
import { checkSignal, iterateUntilAborted, untilAborted } from "./signal.ts";
import { checkOptions, checkRemoveOptions, existsError, openTransaction, type StoreContext, toStoredObject, wrongVersion } from "./transaction.ts";
import { storeFeature } from "./store-features.ts";
import { ownTypesOnly } from "./tenants.ts";
import type { DoubleStringIndex, GetOptions, JsonValue, ObjectStore, Page, PageParams, RemoveOptions, SaveResult, ScanOptions, StoredObject, Transaction, TransactionOptions, UpdateFn, Version } from "./types.ts";
import { checkCount, checkKey, checkType, checkVersion, copyValue, describe, nextVersion } from "./validate.ts";

/** Options of {@link createStore}; a subset of `CreateOptions`. */
export interface StoreOptions {
  /** Clock for `created`/`updated` stamps. @default () => new Date() */
  now?: () => Date;
  /** Largest page size; larger requests are clamped to it. @default 100 */
  maxPagesize?: number;
}

/**
 * Builds an {@link ObjectStore} over a driver.
 *
 * @example
 * ```ts
 * const store = createStore(memoryDriver(), { now: () => new Date("2026-01-01T00:00:00Z") });
 * await store.save("Person", "ann", { age: 3 });
 * ```
 */
export function createStore(driver: Driver, options: StoreOptions = {}): ObjectStore {
  const now = options.now ?? (() => new Date());
  if (typeof now !== "function") throw new InvalidInputError("INVALID_ARGUMENT", `Invalid now: expected a function, got ${describe(now)}`);
  const maxPagesize = checkCount(options.maxPagesize, "maxPagesize", 100);
  if (maxPagesize < 1) throw new InvalidInputError("INVALID_ARGUMENT", "Invalid maxPagesize: must be at least 1");

  let closing: Promise<void> | undefined;
  const checkOpen = () => {
    if (closing) throw new ObjectStoreError("CLOSED", "This store is closed");
  };
  const backend = wrapDriver(driver, checkOpen);
  // The store's listings show only its own types (no tenant's, no index: see tenants.ts).
  const visible = ownTypesOnly(backend);
  const ctx: StoreContext = { driver: visible, maxPagesize, stamp: () => now().toISOString(), checkOpen };

  /** Commits one write outside a transaction, turning a conflict into the matrix's error. */
  const commitOne = async (write: Write & { key: string }, what: string) => {
    checkOpen();
    try {
      await backend.commit([write]);
    } catch (e) {
      if (!(e instanceof CommitConflict)) throw e;
      throw conflictError(write.type, write.key, "expect" in write ? write.expect : { any: true }, e.current, what);
    }
  };

  const store: ObjectStore = {
    kind: driver.kind,

    async get<T = JsonValue>(type: string, key: string, options?: GetOptions) {
      checkType(type), checkKey(key);
      const signal = checkSignal(checkOptions(options, "get options")?.signal, "get options");
      checkOpen(), signal?.throwIfAborted();
      const record = await untilAborted(backend.get(type, key, signal && { signal }), signal);
      return record && toStoredObject<T>(type, record, false);
    },

    async page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>> {
      checkType(type);
      const plan = planPage(params, maxPagesize);
      const signal = checkSignal(params?.signal, "page parameters");
      checkOpen(), signal?.throwIfAborted();
      const page = await untilAborted(backend.page(type, plan.request, signal && { signal }), signal);
      return buildPage(type, plan, page, (t, r) => toStoredObject<T>(t, r, false));
    },

    async *scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>> {
      checkType(type);
      const checked = checkOptions(options, "scan options");
      const terms = parseQuery(checked?.query);
      const signal = checkSignal(checked?.signal, "scan options");
      checkOpen(), signal?.throwIfAborted();
      for await (const record of iterateUntilAborted(backend.scan(type, terms, signal && { signal }), signal)) {
        checkOpen();
        yield toStoredObject<T>(type, record, false);
      }
    },

    async types() {
      checkOpen();
      return (await visible.types()).sort(compareCodePoints);
    },

    async transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R> {
      if (typeof fn !== "function") throw new InvalidInputError("INVALID_ARGUMENT", `Invalid transaction function: got ${describe(fn)}`);
      const checked = checkOptions(options, "transaction options");
      const retries = checkCount(checked?.retries, "retries", 0);
      const signal = checkSignal(checked?.signal, "transaction options");
      for (let attempt = 0; ; attempt++) {
        checkOpen(), signal?.throwIfAborted();
        const handle = openTransaction(ctx, signal);
        try {
          // An abort settles the transaction at once; its tx then rejects with CLOSED.
          const result = await untilAborted(fn(handle.tx), signal);
          handle.end();
          // The last moment to cancel: a commit that has started is never abandoned.
          signal?.throwIfAborted();
          const writes = handle.staging.writes();
          if (writes.length > 0) await commitAll(writes, handle.staging);
          // A driver may store the backend's stamps in the records it committed (Remote: the server's clock).
          for (const [saved, record] of handle.saved) (saved.created = record.created), (saved.updated = record.updated);
          return result;
        } catch (e) {
          if (!(e instanceof WrongObjectVersionError) || attempt >= retries) throw e;
        } finally {
          handle.end();
        }
      }
    },

    async save<T = JsonValue>(type: string, key: string, value: T, version?: Version): Promise<SaveResult> {
      checkType(type), checkKey(key);
      const expected = checkVersion(version);
      const copy = copyValue(value);
      checkOpen();
      const next = expected === undefined ? undefined : nextVersion(expected);
      if (backend.replace && expected !== undefined && next !== undefined) {
        // One atomic conditional write that keeps `created`: no read first.
        const updated = ctx.stamp();
        try {
          const record = { key, value: copy, version: next, updated };
          const created = await backend.replace(type, key, expected, record);
          return { version: next, created, updated: record.updated }; // the driver may set the backend's stamp
        } catch (e) {
          if (!(e instanceof CommitConflict)) throw e;
          throw conflictError(type, key, { version: expected }, e.current, "save");
        }
      }
      if (expected !== undefined) return store.transaction((tx) => tx.save(type, key, copy, expected)).catch(unwrapConflict);
      // A create needs no read: the commit's condition decides, in one round trip.
      const stamp = ctx.stamp();
      const record = { key, value: copy, version: "1", created: stamp, updated: stamp };
      await commitOne({ op: "put", type, key, expect: { absent: true }, record }, "create");
      return { version: "1", created: record.created, updated: record.updated }; // the driver may set the backend's stamps
    },

    // Not mapped like save: fn saw a read, and losing the race against it is a version conflict.
    update<T = JsonValue>(type: string, key: string, fn: UpdateFn<T>, version?: Version): Promise<SaveResult> {
      return store.transaction((tx) => tx.update(type, key, fn, version));
    },

    async remove(type: string, key: string, options?: RemoveOptions): Promise<void> {
      checkType(type), checkKey(key);
      const { expected, ignoreMissing } = checkRemoveOptions(options);
      const expect: Expect = expected !== undefined ? { version: expected } : ignoreMissing ? { any: true } : { present: true };
      try {
        await commitOne({ op: "delete", type, key, expect }, "remove");
      } catch (e) {
        if (!(ignoreMissing && e instanceof ObjectMissingError)) throw e;
      }
    },

    async truncate(type: string) {
      checkType(type), checkOpen();
      await backend.commit([{ op: "truncate", type }]);
    },

    close() {
      closing ??= backend.close();
      return closing;
    },

    forTenant(name: string): ObjectStore {
      const tenants = storeFeature("tenants");
      tenants.check(name);
      checkOpen();
      // Over the store's checked driver: closing this store closes every tenant's view of it.
      return createStore(tenants.driver(backend, name), options);
    },

    doubleStringIndex(namespace: string): DoubleStringIndex {
      const index = storeFeature("doubleStringIndex");
      checkType(namespace);
      return index.overStore(store, namespace);
    },
  };

  drivers.set(store, backend);

  async function commitAll(writes: Write[], staging: Staging) {
    checkOpen();
    try {
      await backend.commit(writes);
    } catch (e) {
      if (!(e instanceof CommitConflict)) throw e;
      const write = writes[e.index];
      // A create of a key the transaction never read was checked only here: it is that create's error.
      if (write?.op === "put" && e.current !== undefined && staging.isBlind(write.type, write.key)) {
        const error = existsError(write.type, write.key, e.current);
        unreadCreates.set(error, { type: write.type, key: write.key });
        throw error;
      }
      const where = write && "key" in write ? `${write.type}/${write.key}` : "an object";
      throw new CommitConflictError(`Commit failed: ${where} changed since this transaction read it`, e, write);
    }
  }

  return store;
}

const drivers = new WeakMap<ObjectStore, Driver>();
const unreadCreates = new WeakMap<object, { type: string; key: string }>();

/**
 * The object of an `OBJECT_EXISTS` that a transaction's commit raised for a create of a key the
 * transaction never read (such creates are checked only by the commit), so a caller that ran
 * several writes can say which one failed. `undefined` for any other error.
 *
 * @example
 * ```ts
 * const at = unreadCreateOf(error); // { type: "Person", key: "ann" }
 * ```
 */
export function unreadCreateOf(error: unknown): { type: string; key: string } | undefined {
  return typeof error === "object" && error !== null ? unreadCreates.get(error) : undefined;
}

/**
 * The driver under a store made by {@link createStore}, for record-level access that must keep
 * versions and stamps as given (the HTTP API's `put` ops, which the Remote driver commits
 * through). Its errors are wrapped like the store's and it rejects with `CLOSED` after
 * `close()`. `undefined` for any other `ObjectStore`. Callers validate what they pass.
 *
 * @example
 * ```ts
 * const driver = driverOf(createObjectStoreInstance());
 * await driver?.commit([{ op: "truncate", type: "Person" }]);
 * ```
 */
export function driverOf(store: ObjectStore): Driver | undefined {
  return drivers.get(store);
}

/** A commit conflict inside a one-write shortcut, so the shortcut can report the matrix error. */
class CommitConflictError extends WrongObjectVersionError {
  readonly conflict: CommitConflict;
  readonly write: Write | undefined;
  constructor(message: string, conflict: CommitConflict, write: Write | undefined) {
    super(message);
    this.conflict = conflict;
    this.write = write;
  }
}

/** A shortcut's own transaction lost a race at commit: report the matrix error for what it found. */
function unwrapConflict(e: unknown): never {
  if (e instanceof CommitConflictError && e.write && e.write.op !== "truncate") {
    throw conflictError(e.write.type, e.write.key, e.write.expect, e.conflict.current, "save");
  }
  throw e;
}

function conflictError(type: string, key: string, expect: Expect, current: string | undefined, what: string): ObjectStoreError {
  if (current === undefined) return new ObjectMissingError(`Cannot ${what} ${type}/${key}: no such object`);
  if ("absent" in expect) return existsError(type, key, current);
  const expected = "version" in expect ? expect.version : "?";
  return wrongVersion(type, key, expected, current);
}

/** What a driver's failure `e` becomes for the caller (see {@link wrapDriver}). */
function driverFailure(driver: Driver, e: unknown, options?: CallOptions): unknown {
  if (e instanceof ObjectStoreError || e instanceof CommitConflict) return e;
  if (options?.signal?.aborted && e === options.signal.reason) return e;
  return new BackendError("BACKEND_ERROR", `The ${driver.kind} backend failed`, { cause: e });
}

/**
 * The store's view of its driver: every call but `close` first checks that the store is open
 * (`CLOSED` after `close()`, also between the records of a scan), and unexpected driver failures
 * become `BACKEND_ERROR`, keeping the original as `cause`; the reason of an aborted call's
 * signal passes through as it is.
 */
function wrapDriver(driver: Driver, checkOpen: () => void): Driver {
  const wrap = (e: unknown, options?: CallOptions): never => {
    throw driverFailure(driver, e, options);
  };
  // Not async: one promise fewer per call (a synchronous throw still becomes a rejection).
  const call = <T>(run: () => Promise<T>, options?: CallOptions): Promise<T> => {
    try {
      checkOpen();
      return run().catch((e) => wrap(e, options));
    } catch (e) {
      return Promise.reject(driverFailure(driver, e, options));
    }
  };
  return {
    kind: driver.kind,
    get: (type, key, options) => call(() => driver.get(type, key, options), options),
    page: (type, request, options) => call(() => driver.page(type, request, options), options),
    async *scan(type, terms, options) {
      checkOpen();
      try {
        for await (const record of driver.scan(type, terms, options)) {
          checkOpen();
          yield record;
        }
      } catch (e) {
        wrap(e, options);
      }
    },
    types: (options) => call(() => driver.types(options), options),
    commit: (writes) => call(() => driver.commit(writes)),
    ...(driver.replace ? { replace: (type, key, version, record) => call(() => driver.replace!(type, key, version, record)) } : {}),
    close: () => driver.close().catch(wrap),
  };
}
