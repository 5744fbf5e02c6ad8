/**
 * `createStore`: the one layer over every driver. It validates input, copies values, applies
 * the version rules, runs transactions and wraps backend failures (STYLE: "two layers").
 *
 * @module
 */
import { type CallOptions, CommitConflict, type Driver, type DriverRecord, type Expect, type Write } from "./driver.ts";
import { BackendError, ObjectMissingError, ObjectStoreError, WrongObjectVersionError } from "./errors.ts";
import { buildPage, planPage } from "./paging.ts";
import { compareCodePoints, parseQuery } from "./query.ts";
import { checkSignal, iterateUntilAborted, untilAborted } from "./signal.ts";
import { checkMatrix, checkOptions, checkRemoveOptions, existsError, opened, saveResult, toStoredObject, wrongVersion } from "./calls.ts";
import { openTransaction, type StoreContext } from "./transaction.ts";
import { storeFeature } from "./store-features.ts";
import { ownTypesOnly } from "./tenants.ts";
import type { DoubleStringIndex, GetOptions, JsonValue, ObjectStore, Page, PageParams, RemoveOptions, SaveResult, ScanOptions, StoredObject, Transaction, TransactionOptions, UpdateFn, Version } from "./types.ts";
import { checkCount, checkKey, checkType, checkVersion, copyValue, describe, invalidArgument, nextVersion, unexpected } from "./validate.ts";

export { unreadCreateOf } from "./transaction.ts";

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
  if (typeof now !== "function") throw unexpected("now", "a function", now);
  const maxPagesize = checkCount(options.maxPagesize, "maxPagesize", 100);
  if (maxPagesize < 1) throw invalidArgument("maxPagesize: must be at least 1");

  let closing: Promise<void> | undefined;
  const checkOpen = () => {
    if (closing) throw new ObjectStoreError("CLOSED", "This store is closed");
  };
  const backend = wrapDriver(driver, checkOpen);
  // The store's listings show only its own types (no tenant's, no index: see tenants.ts).
  const visible = ownTypesOnly(backend);
  const ctx: StoreContext = { driver: visible, maxPagesize, stamp: () => now().toISOString(), checkOpen };

  /** Commits one write outside a transaction (the wrapped driver checks the store is open). */
  const commitOne = (write: Write & { key: string; expect: Expect }, what: string) =>
    backend.commit([write]).catch((e) => conflicted(e, write.type, write.key, write.expect, what));
  /** Commits one save outside a transaction: what it saved. */
  const saveOne = async (type: string, record: DriverRecord, expect: Expect, what: string): Promise<SaveResult> => {
    await commitOne({ op: "put", type, key: record.key, expect, record }, what);
    return saveResult(record); // the driver may set the backend's stamps
  };

  const store: ObjectStore = {
    kind: driver.kind,

    async get<T = JsonValue>(type: string, key: string, options?: GetOptions) {
      checkType(type), checkKey(key);
      const signal = checkSignal(checkOptions(options, "get options")?.signal, "get options");
      // The driver itself, failures mapped as the wrapper would: the hot path, one promise fewer
      // (and none more where the driver answers at once).
      const callOptions = opened(signal, checkOpen) && { signal };
      let record: DriverRecord | undefined;
      try {
        record = driver.get.now ? driver.get.now(type, key) : await untilAborted(driver.get(type, key, callOptions), signal);
      } catch (e) {
        throw driverFailure(driver, e, callOptions);
      }
      return record && toStoredObject<T>(type, record, false);
    },

    async page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>> {
      checkType(type);
      const plan = planPage(params, maxPagesize);
      const signal = checkSignal(params?.signal, "page parameters");
      const page = await backend.page(type, plan.request, signal && { signal });
      return buildPage(plan, page, (r) => toStoredObject<T>(type, r, false));
    },

    async *scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>> {
      checkType(type);
      const checked = checkOptions(options, "scan options");
      const terms = parseQuery(checked?.query);
      const signal = checkSignal(checked?.signal, "scan options");
      for await (const record of backend.scan(type, terms, signal && { signal })) {
        checkOpen();
        yield toStoredObject<T>(type, record, false);
      }
    },

    async types() {
      return (await visible.types()).sort(compareCodePoints);
    },

    async transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R> {
      if (typeof fn !== "function") throw invalidArgument(`transaction function: got ${describe(fn)}`);
      const checked = checkOptions(options, "transaction options");
      const retries = checkCount(checked?.retries, "retries", 0);
      const signal = checkSignal(checked?.signal, "transaction options");
      for (let attempt = 0; ; attempt++) {
        opened(signal, checkOpen);
        const handle = openTransaction(ctx, signal);
        try {
          // An abort settles the transaction at once; its tx then rejects with CLOSED.
          const result = await untilAborted(fn(handle.tx), signal);
          handle.end();
          // The last moment to cancel: a commit that has started is never abandoned.
          signal?.throwIfAborted();
          await handle.commit();
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
      const next = expected === undefined ? undefined : nextVersion(expected);
      if (backend.replace && expected !== undefined && next !== undefined) {
        // One atomic conditional write that keeps `created`: no read first.
        const record = { key, value: copy, version: next, updated: ctx.stamp() };
        const created = await backend.replace(type, key, expected, record).catch((e) => conflicted(e, type, key, { version: expected }, "save"));
        return { version: next, created, updated: record.updated }; // the driver may set the backend's stamp
      }
      if (expected !== undefined) {
        // A read, then one write conditional on the version it found (as a transaction would).
        const current = await backend.get(type, key);
        checkMatrix(type, key, current, expected, "save");
        const { version, created } = current!;
        return saveOne(type, { key, value: copy, version: next!, created, updated: ctx.stamp() }, { version }, "save");
      }
      // A create needs no read: the commit's condition decides, in one round trip.
      const stamp = ctx.stamp();
      return saveOne(type, { key, value: copy, version: "1", created: stamp, updated: stamp }, { absent: true }, "create");
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
      checkType(type);
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

  return store;
}

const drivers = new WeakMap<ObjectStore, Driver>();

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

/** Throws `e`, or for a commit conflict of one write outside a transaction the matrix's error for what it found. */
function conflicted(e: unknown, type: string, key: string, expect: Expect, what: string): never {
  if (!(e instanceof CommitConflict)) throw e;
  const { current } = e;
  if (current === undefined) throw new ObjectMissingError(`Cannot ${what} ${type}/${key}: no such object`);
  if ("absent" in expect) throw existsError(type, key, current);
  throw wrongVersion(type, key, "version" in expect ? expect.version : "?", current);
}

/** What a driver's failure `e` becomes for the caller (see {@link wrapDriver}). */
function driverFailure(driver: Driver, e: unknown, options?: CallOptions): unknown {
  if (e instanceof ObjectStoreError || e instanceof CommitConflict) return e;
  if (options?.signal?.aborted && e === options.signal.reason) return e;
  return new BackendError("BACKEND_ERROR", `The ${driver.kind} backend failed`, { cause: e });
}

/**
 * The store's view of its driver: every call but `close` first checks that the store is open
 * (`CLOSED` after `close()`, also between the records of a scan), then that the call's signal
 * has not aborted; a call with a signal rejects with its reason as soon as it aborts (whether
 * or not the driver heeds it), and unexpected driver failures become `BACKEND_ERROR`, keeping
 * the original as `cause`; the reason of an aborted call's signal passes through as it is.
 */
function wrapDriver(driver: Driver, checkOpen: () => void): Driver {
  const wrap = (e: unknown, options?: CallOptions): never => {
    throw driverFailure(driver, e, options);
  };
  // Not async: one promise fewer per call (a synchronous throw still becomes a rejection).
  const call = <T>(run: () => Promise<T>, options?: CallOptions): Promise<T> => {
    try {
      const signal = opened(options?.signal, checkOpen);
      return untilAborted(run().catch((e) => wrap(e, options)), signal);
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
        for await (const record of iterateUntilAborted(driver.scan(type, terms, options), options?.signal)) {
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
