/**
 * Transactions: writes are checked when staged (the save/remove matrix of docs/api.md), reads
 * see them, and the commit hands the net write set to the driver's atomic step.
 *
 * @module
 */
import { checkMatrix, checkOptions, checkRemoveOptions, existsError, opened, saveResult, toStoredObject, wrongVersion } from "./calls.ts";
import { CommitConflict, type Driver, type DriverRecord, type Write } from "./driver.ts";
import { InvalidInputError, ObjectMissingError, ObjectStoreError, WrongObjectVersionError } from "./errors.ts";
import { buildPage, planPage } from "./paging.ts";
import { compareCodePoints, matchesTerms, parseQuery, searchText } from "./query.ts";
import { selectPage } from "./select.ts";
import { anySignal, checkSignal } from "./signal.ts";
import { storeFeature } from "./store-features.ts";
import { blindKeys, epochOf, isBlind, lookup, type Seen, stage as stageWrite, stageBlind, type Staging, truncate, unchanged, writesOf } from "./staging.ts";
import type { GetOptions, JsonValue, Page, PageParams, RemoveOptions, SaveResult, ScanOptions, StoredObject, Transaction, UpdateFn, Version } from "./types.ts";
import { checkKey, checkType, checkVersion, cloneJson, copyValue, describe, invalidArgument, nextVersion } from "./validate.ts";

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
  /**
   * Commits the staged writes in one atomic step of the driver (nothing when none); each save's
   * result then holds the stamps the backend stored. A conflict is the `OBJECT_EXISTS` of an
   * unread create (see {@link unreadCreateOf}) or `WRONG_OBJECT_VERSION`.
   */
  commit(): Promise<void>;
  end(): void;
}

/**
 * Creates a transaction over `ctx`; its writes stay staged until the caller commits them.
 * `signal` (the transaction's) cancels every read it makes.
 */
export function openTransaction(ctx: StoreContext, signal?: AbortSignal): TransactionHandle {
  const staging: Staging = new Map();
  /** Each save's result with the record it staged, to take the backend's stamps after commit. */
  const saved: [SaveResult, DriverRecord][] = [];
  const { driver } = ctx;
  /**
   * Starts a read: the signal of the read (the transaction's, and the call's own `own` when it
   * has one), once the transaction is found open and the signal not aborted.
   */
  const begin = (own: unknown, what: string) => opened(anySignal([signal, checkSignal(own, what)]), check);
  const get = (type: string, key: string, s: AbortSignal | undefined) => driver.get(type, key, s && { signal: s });
  const scan = (type: string, terms: string[], s: AbortSignal | undefined = signal) => driver.scan(type, terms, s && { signal: s });
  let ended = false;
  const check = () => {
    if (ended) throw new ObjectStoreError("CLOSED", "This transaction has ended");
    ctx.checkOpen();
  };

  /** Keys (`type\nkey`) a read of this transaction found in the backend. */
  const readPresent = new Set<string>();
  /** Keys (`type\nkey`) a get of this transaction asked the backend for. */
  const readGot = new Set<string>();
  /**
   * Notes a record a read found (a page and a scan too). A create without a version of a key
   * only a page or scan found stays blind (the commit's absent condition decides, as for any
   * unread create); a `get` of the key makes it read.
   */
  const sawPresent = (type: string, record: DriverRecord): DriverRecord => (readPresent.add(`${type}\n${record.key}`), record);

  /**
   * What the transaction sees at a key. With `forWrite`, an object an earlier read of this
   * transaction found but the backend no longer holds (another writer removed it) is a conflict:
   * the write was decided on a state that is gone, so `retries` must re-run `fn`.
   */
  const read = async (type: string, key: string, s: AbortSignal | undefined = signal, forWrite = false): Promise<Seen> => {
    const staged = lookup(staging, type, key);
    if (staged) return staged;
    const epoch = epochOf(staging, type);
    readGot.add(`${type}\n${key}`);
    const record = await get(type, key, s);
    const now = lookup(staging, type, key);
    if (now) return now;
    if (record) sawPresent(type, record);
    else if (forWrite && readPresent.has(`${type}\n${key}`)) {
      throw new WrongObjectVersionError(`${type}/${key} was removed by another writer after this transaction read it`);
    }
    return { record, stage: undefined, epoch };
  };

  /** Stages a write based on `seen`, unless another write of this transaction came between. */
  const stage = (type: string, key: string, seen: Seen, record?: DriverRecord) => {
    check();
    if (!unchanged(staging, type, key, seen)) {
      throw new WrongObjectVersionError(`${type}/${key} was written by this transaction while this write awaited`);
    }
    stageWrite(staging, type, key, seen, record);
  };

  const put = (type: string, key: string, seen: Seen, value: JsonValue): SaveResult => {
    const now = ctx.stamp();
    const current = seen.record;
    const record: DriverRecord = { key, value, version: current ? nextVersion(current.version)! : "1", created: current?.created ?? now, updated: now };
    stage(type, key, seen, record);
    const result = saveResult(record);
    saved.push([result, record]);
    return result;
  };

  /** The type's objects as this transaction sees them, in key order. */
  const merged = async (type: string, terms: string[], s: AbortSignal | undefined): Promise<DriverRecord[]> => {
    const stage = staging.get(type)!;
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
      const s = begin(checkOptions(options, "get options")?.signal, "get options");
      const { record } = await read(type, key, s);
      return record && (toStoredObject(type, record, true) as StoredObject<T>);
    },

    async page<T = JsonValue>(type: string, params?: PageParams): Promise<Page<T>> {
      checkType(type);
      const plan = planPage(params, ctx.maxPagesize);
      const s = begin(params?.signal, "page parameters");
      if (!staging.has(type)) {
        const page = await driver.page(type, plan.request, s && { signal: s });
        return buildPage(plan, page, (r) => toStoredObject<T>(type, sawPresent(type, r), false));
      }
      const records = await merged(type, [], s);
      const selected = selectPage(records, plan.request, (r) => r);
      return buildPage(plan, selected, (r) => toStoredObject<T>(type, r, true));
    },

    async *scan<T = JsonValue>(type: string, options?: ScanOptions): AsyncIterable<StoredObject<T>> {
      checkType(type);
      const checked = checkOptions(options, "scan options");
      const terms = parseQuery(checked?.query);
      const s = begin(checked?.signal, "scan options");
      const stagedType = staging.has(type);
      const records = stagedType ? await merged(type, terms, s) : scan(type, terms, s);
      for await (const record of records) {
        check();
        yield toStoredObject<T>(type, stagedType ? record : sawPresent(type, record), stagedType);
      }
    },

    async types() {
      opened(signal, check);
      const found = new Set(await driver.types(signal && { signal }));
      for (const [type, stage] of staging) {
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
      if (expected === undefined && !lookup(staging, type, key) && !readGot.has(`${type}\n${key}`)) {
        // A create of a key this transaction never read needs no read: the commit's condition
        // (the key is absent) decides, and a conflict there is this create's OBJECT_EXISTS.
        const now = ctx.stamp();
        const record: DriverRecord = { key, value: copy, version: "1", created: now, updated: now };
        stageBlind(staging, type, key, record);
        const result = saveResult(record);
        saved.push([result, record]);
        return result;
      }
      const seen = await read(type, key, signal, true);
      checkMatrix(type, key, seen.record, expected, "save");
      return put(type, key, seen, copy);
    },

    async update<T = JsonValue>(type: string, key: string, fn: UpdateFn<T>, version?: Version) {
      checkType(type), checkKey(key);
      const expected = checkVersion(version);
      if (typeof fn !== "function") {
        throw invalidArgument(`update function: got ${describe(fn)}`);
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
      stage(type, key, seen);
    },

    async truncate(type: string) {
      checkType(type), check();
      // A truncate drops the type's creates checked only at commit, and with them that check: make it now.
      for (const key of blindKeys(staging, type)) await checkBlindCreate(type, key);
      check();
      truncate(staging, type);
    },

    doubleStringIndex(namespace: string) {
      const index = storeFeature("doubleStringIndex");
      checkType(namespace);
      return index.inTransaction({
        read,
        put,
        remove: stage,
        truncate: (type) => truncate(staging, type),
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

  const commit = async () => {
    const writes = writesOf(staging);
    if (writes.length > 0) await driver.commit(writes).catch((e) => commitFailed(e, writes, staging));
    // A driver may store the backend's stamps in the records it committed (Remote: the server's clock).
    for (const [result, record] of saved) (result.created = record.created), (result.updated = record.updated);
  };

  return { tx, commit, end: () => void (ended = true) };
}

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

/** Throws what the failure `e` of a transaction's commit of `writes` is for the caller. */
function commitFailed(e: unknown, writes: Write[], staging: Staging): never {
  if (!(e instanceof CommitConflict)) throw e;
  const write = writes[e.index];
  // A create of a key the transaction never read was checked only here: it is that create's error.
  if (write?.op === "put" && e.current !== undefined && isBlind(staging, write.type, write.key)) {
    const error = existsError(write.type, write.key, e.current);
    unreadCreates.set(error, { type: write.type, key: write.key });
    throw error;
  }
  const where = write && "key" in write ? `${write.type}/${write.key}` : "an object";
  throw new WrongObjectVersionError(`Commit failed: ${where} changed since this transaction read it`);
}
