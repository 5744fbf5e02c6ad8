/**
 * Transactions: writes are checked when staged (the save/remove matrix of docs/api.md), reads
 * see them, and the commit hands the net write set to the driver's atomic step.
 *
 * @module
 */
import type { Driver, DriverRecord } from "./driver.ts";
import { ObjectExistsError, ObjectMissingError, ObjectStoreError, InvalidInputError, WrongObjectVersionError } from "./errors.ts";
import { buildPage, planPage } from "./paging.ts";
import { compareCodePoints, matchesTerms, parseQuery, searchText } from "./query.ts";
import { selectPage } from "./select.ts";
import { anySignal, checkSignal, iterateUntilAborted, untilAborted } from "./signal.ts";
import { storeFeature } from "./store-features.ts";
import { type Seen, Staging } from "./staging.ts";
import type { GetOptions, JsonValue, Page, PageParams, RemoveOptions, SaveResult, ScanOptions, StoredObject, Transaction, UpdateFn, Version } from "./types.ts";
import { checkKey, checkType, checkVersion, cloneJson, copyValue, describe, nextVersion } from "./validate.ts";

/** What a transaction needs from its store. */
export interface StoreContext {
  readonly driver: Driver;
  readonly maxPagesize: number;
  /** The clock, as an ISO-8601 string. */
  stamp(): string;
  /** Throws `CLOSED` when the store is closed. */
  checkOpen(): void;
}

/** A transaction's state plus its public face. */
export interface TransactionHandle {
  readonly tx: Transaction;
  readonly staging: Staging;
  /** Each save's result with the record it staged, to take the backend's stamps after commit. */
  readonly saved: [SaveResult, DriverRecord][];
  end(): void;
}

/**
 * Creates a transaction over `ctx`; its writes stay staged until the caller commits them.
 * `signal` (the transaction's) cancels every read it makes.
 */
export function openTransaction(ctx: StoreContext, signal?: AbortSignal): TransactionHandle {
  const staging = new Staging();
  const saved: [SaveResult, DriverRecord][] = [];
  const { driver } = ctx;
  /** The signal of one read: the transaction's, and the call's own when it has one. */
  const signalOf = (own: unknown, what: string) => anySignal([signal, checkSignal(own, what)]);
  const get = (type: string, key: string, s: AbortSignal | undefined) => untilAborted(driver.get(type, key, s && { signal: s }), s);
  const scan = (type: string, terms: string[], s: AbortSignal | undefined = signal) => iterateUntilAborted(driver.scan(type, terms, s && { signal: s }), s);
  let ended = false;
  const check = () => {
    if (ended) throw new ObjectStoreError("CLOSED", "This transaction has ended");
    ctx.checkOpen();
  };

  /** Keys (`type\nkey`) a read of this transaction found in the backend. */
  const readPresent = new Set<string>();
  /**
   * Notes a record a read found (a page and a scan too). A create without a version of a key
   * only a page or scan found stays blind (the commit's absent condition decides, as for any
   * unread create); a `get` of the key makes it read.
   */
  const sawPresent = (type: string, record: DriverRecord): DriverRecord => {
    readPresent.add(`${type}\n${record.key}`);
    return record;
  };

  /**
   * What the transaction sees at a key. With `forWrite`, an object an earlier read of this
   * transaction found but the backend no longer holds (another writer removed it) is a conflict:
   * the write was decided on a state that is gone, so `retries` must re-run `fn`.
   */
  const read = async (type: string, key: string, s: AbortSignal | undefined = signal, forWrite = false): Promise<Seen> => {
    const staged = staging.lookup(type, key);
    if (staged) return staged;
    const epoch = staging.epoch(type);
    staging.noteRead(type, key);
    const record = await get(type, key, s);
    const now = staging.lookup(type, key);
    if (now) return now;
    if (record) sawPresent(type, record);
    else if (forWrite && readPresent.has(`${type}\n${key}`)) {
      throw new WrongObjectVersionError(`${type}/${key} was removed by another writer after this transaction read it`);
    }
    return { record, stage: undefined, epoch };
  };

  /** Stages a write based on `seen`, unless another write of this transaction came between. */
  const stage = (type: string, key: string, seen: Seen, record: DriverRecord | undefined) => {
    check();
    if (!staging.unchanged(type, key, seen)) {
      throw new WrongObjectVersionError(`${type}/${key} was written by this transaction while this write awaited`);
    }
    staging.stage(type, key, seen, record);
  };

  const put = (type: string, key: string, seen: Seen, value: JsonValue): SaveResult => {
    const now = ctx.stamp();
    const current = seen.record;
    const record: DriverRecord = current
      ? { key, value, version: nextVersion(current.version)!, created: current.created, updated: now }
      : { key, value, version: "1", created: now, updated: now };
    stage(type, key, seen, record);
    const result = { version: record.version, created: record.created, updated: record.updated };
    saved.push([result, record]);
    return result;
  };

  /** The type's objects as this transaction sees them, in key order. */
  const merged = async (type: string, terms: string[], s: AbortSignal | undefined): Promise<DriverRecord[]> => {
    const stage = staging.typeStage(type)!;
    const byKey = new Map<string, DriverRecord>();
    if (!stage.truncated) for await (const record of scan(type, [], s)) byKey.set(record.key, sawPresent(type, record));
    for (const [key, { record }] of stage.keys) {
      if (record) byKey.set(key, record);
      else byKey.delete(key);
    }
    const records = [...byKey.values()].filter((r) => terms.length === 0 || matchesTerms(searchText(r.key, r.value), terms));
    return records.sort((a, b) => compareCodePoints(a.key, b.key));
  };

  const tx: Transaction = {
    async get<T = JsonValue>(type: string, key: string, options?: GetOptions) {
      checkType(type), checkKey(key);
      const s = signalOf(checkOptions(options, "get options")?.signal, "get options");
      check(), s?.throwIfAborted();
      const { record } = await read(type, key, s);
      return record && (toStoredObject(type, record, true) as StoredObject<T>);
    },

    async page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>> {
      checkType(type);
      const plan = planPage(params, ctx.maxPagesize);
      const s = signalOf(params?.signal, "page parameters");
      check(), s?.throwIfAborted();
      if (!staging.typeStage(type)) {
        const page = await untilAborted(driver.page(type, plan.request, s && { signal: s }), s);
        return buildPage(type, plan, page, (t, r) => toStoredObject<T>(t, sawPresent(t, r), false));
      }
      const records = await merged(type, [], s);
      const selected = selectPage(records, plan.request, (r) => r);
      return buildPage(type, plan, selected, (t, r) => toStoredObject<T>(t, r, true));
    },

    async *scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>> {
      checkType(type);
      const checked = checkOptions(options, "scan options");
      const terms = parseQuery(checked?.query);
      const s = signalOf(checked?.signal, "scan options");
      check(), s?.throwIfAborted();
      const stagedType = staging.typeStage(type) !== undefined;
      const records = stagedType ? await merged(type, terms, s) : scan(type, terms, s);
      for await (const record of records) {
        check();
        yield toStoredObject<T>(type, stagedType ? record : sawPresent(type, record), stagedType);
      }
    },

    async types() {
      check(), signal?.throwIfAborted();
      const found = new Set(await untilAborted(driver.types(signal && { signal }), signal));
      for (const [type, stage] of staging.types) {
        if ([...stage.keys.values()].some((k) => k.record)) found.add(type);
        else if (stage.truncated || !(await hasUnstagedObject(type, stage.keys))) found.delete(type);
      }
      return [...found].sort(compareCodePoints);
    },

    async save<T = JsonValue>(type: string, key: string, value: T, version?: Version) {
      checkType(type), checkKey(key);
      const expected = checkVersion(version);
      const copy = copyValue(value);
      check();
      if (expected === undefined && staging.canCreateBlind(type, key)) {
        // A create of a key this transaction never read needs no read: the commit's condition
        // (the key is absent) decides, and a conflict there is this create's OBJECT_EXISTS.
        const now = ctx.stamp();
        const record: DriverRecord = { key, value: copy, version: "1", created: now, updated: now };
        staging.stageBlind(type, key, record);
        return { version: "1", created: now, updated: now };
      }
      const seen = await read(type, key, signal, true);
      checkMatrix(type, key, seen.record, expected, "save");
      return put(type, key, seen, copy);
    },

    async update<T = JsonValue>(type: string, key: string, fn: UpdateFn<T>, version?: Version) {
      checkType(type), checkKey(key);
      const expected = checkVersion(version);
      if (typeof fn !== "function") {
        throw new InvalidInputError("INVALID_ARGUMENT", `Invalid update function: got ${describe(fn)}`);
      }
      check();
      const seen = await read(type, key, signal, true);
      if (expected !== undefined) checkMatrix(type, key, seen.record, expected, "update");
      const next = await fn((seen.record && cloneJson(seen.record.value)) as T | undefined);
      if (next === undefined) {
        throw new InvalidInputError("INVALID_VALUE", "Invalid value at $: the update function returned undefined");
      }
      return put(type, key, seen, copyValue(next));
    },

    async remove(type: string, key: string, options?: RemoveOptions) {
      checkType(type), checkKey(key);
      const { expected, ignoreMissing } = checkRemoveOptions(options);
      check();
      const seen = await read(type, key, signal, true);
      if (seen.stage?.blind && seen.record) await checkBlindCreate(type, key);
      if (!seen.record) {
        if (ignoreMissing) return;
        throw new ObjectMissingError(`Cannot remove ${type}/${key}: no such object`);
      }
      if (expected !== undefined && expected !== seen.record.version) {
        throw wrongVersion(type, key, expected, seen.record.version);
      }
      stage(type, key, seen, undefined);
    },

    async truncate(type: string) {
      checkType(type), check();
      // A truncate drops the type's creates checked only at commit, and with them that check: make it now.
      for (const key of staging.blindKeys(type)) await checkBlindCreate(type, key);
      check();
      staging.truncate(type);
    },

    doubleStringIndex(namespace: string) {
      const index = storeFeature("doubleStringIndex");
      checkType(namespace);
      return index.inTransaction({
        read,
        put: (type, key, seen, value) => put(type, key, seen, value),
        remove: (type, key, seen) => stage(type, key, seen, undefined),
        truncate: (type) => staging.truncate(type),
        check,
      }, namespace);
    },
  };

  /**
   * A remove would drop a create checked only at commit, and with it that check: make it now.
   * An object there means the create failed, as it would have had it read the key.
   */
  async function checkBlindCreate(type: string, key: string): Promise<void> {
    const current = await get(type, key, signal);
    if (current) throw existsError(type, key, current.version);
  }

  /** Whether the backend holds an object of `type` that this transaction did not stage. */
  async function hasUnstagedObject(type: string, staged: Map<string, unknown>): Promise<boolean> {
    for await (const record of scan(type, [])) if (!staged.has(record.key)) return true;
    return false;
  }

  return { tx, staging, saved, end: () => void (ended = true) };
}

/** The save/update part of the version matrix (docs/api.md) for a write with a version (or a create). */
function checkMatrix(type: string, key: string, current: DriverRecord | undefined, expected: string | undefined, what: string) {
  if (!current) {
    if (expected !== undefined) throw new ObjectMissingError(`Cannot ${what} ${type}/${key} at version ${expected}: no such object`);
    return;
  }
  if (expected === undefined) throw existsError(type, key, current.version);
  if (expected !== current.version) throw wrongVersion(type, key, expected, current.version);
}

/** The `OBJECT_EXISTS` of a create that found `type`/`key` at version `current`. */
export function existsError(type: string, key: string, current: string): ObjectExistsError {
  return new ObjectExistsError(`Cannot create ${type}/${key}: it exists (version ${current})`);
}

/** The `WRONG_OBJECT_VERSION` of a write at version `expected` that found `current`. */
export function wrongVersion(type: string, key: string, expected: string, current: string): WrongObjectVersionError {
  return new WrongObjectVersionError(`${type}/${key} is at version ${current}, not ${expected}`);
}

/** Validates remove options. */
export function checkRemoveOptions(options: RemoveOptions | undefined): { expected: string | undefined; ignoreMissing: boolean } {
  const o = checkOptions(options, "remove options");
  const ignoreMissing = o?.ignoreMissing ?? false;
  if (typeof ignoreMissing !== "boolean") {
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid ignoreMissing: expected a boolean, got ${describe(ignoreMissing)}`);
  }
  return { expected: checkVersion(o?.version), ignoreMissing };
}

/** Checks that an options argument is an object or undefined. */
export function checkOptions<T>(options: T | undefined, what: string): T | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid ${what}: expected an object, got ${describe(options)}`);
  }
  return options;
}

/** The public form of a record; `copy` when the record is shared (staged), not fresh from a driver. */
export function toStoredObject<T = JsonValue>(type: string, record: DriverRecord, copy: boolean): StoredObject<T> {
  return {
    type,
    key: record.key,
    value: (copy ? cloneJson(record.value) : record.value) as T,
    version: record.version,
    created: record.created,
    updated: record.updated,
  };
}
