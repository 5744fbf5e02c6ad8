/**
 * Listing inside one readonly IndexedDB transaction: pages in key order are a count (none with
 * `total: false`) plus one ranged `getAll`, after skipping the offset by `getAllKeys` batches
 * (O(offset)); queried or sorted pages walk the
 * type's key range in `getAll` batches through the shared `pagePicker` (only the best
 * `offset + limit` matches are kept when that is at most 1000).
 * Requests are chained in their `onsuccess` callbacks, so the transaction stays active.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import { pagePicker } from "../../select.ts";
import { pastType, typeRange } from "./keys.ts";

/** Records per `getAll` while walking a type (bounds the memory of a walk). */
export const WALK_BATCH = 256;

/**
 * Serves a page request over `store` (see the module doc for the cost of each kind).
 *
 * @example
 * ```ts
 * await use("readonly", (store) => pageOf(store, IDBKeyRange, "Person", request));
 * ```
 */
export function pageOf(store: IDBObjectStore, keyRange: typeof IDBKeyRange, type: string, request: PageRequest): Promise<DriverPage> {
  return new Promise((resolve, reject) => {
    if (request.terms.length === 0 && request.sort.length === 0) keyOrderPage(store, keyRange, type, request, resolve, reject);
    else walkPage(store, keyRange, type, request, resolve, reject);
  });
}

/**
 * The type names in the store: one key-cursor step per type (it jumps past each type's range).
 *
 * @example
 * ```ts
 * await use("readonly", typesOf); // ["Person", "Pet"]
 * ```
 */
export function typesOf(store: IDBObjectStore): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const types: string[] = [];
    on(store.openKeyCursor(), (cursor) => {
      if (!cursor) return resolve(types);
      const type = (cursor.key as [string, string])[0];
      types.push(type);
      cursor.continue(pastType(type));
    }, reject);
  });
}

/** Calls `done` with the request's result, or `fail` with its error (or with what `done` threw). */
function on<T>(request: IDBRequest<T>, done: (result: T) => void, fail: (error: unknown) => void): void {
  request.onsuccess = () => {
    try {
      done(request.result);
    } catch (error) {
      fail(error);
    }
  };
  request.onerror = () => fail(request.error);
}

function keyOrderPage(
  store: IDBObjectStore,
  keyRange: typeof IDBKeyRange,
  type: string,
  request: PageRequest,
  resolve: (page: DriverPage) => void,
  fail: (error: unknown) => void,
): void {
  let total = -1;
  let items: DriverRecord[] | undefined;
  const finish = () => {
    if (items && (total !== -1 || !request.count)) resolve({ items, total });
  };
  if (request.count) {
    on(store.count(typeRange(keyRange, type)), (n) => {
      total = n;
      finish();
    }, fail);
  }
  const range = typeRange(keyRange, type, request.after?.key);
  const take = (from: IDBKeyRange) => {
    on(store.getAll(from, request.limit), (records) => {
      items = records as DriverRecord[];
      finish();
    }, fail);
  };
  if (request.limit === 0) {
    items = []; // getAll's count 0 would mean "no limit"
    finish();
  } else if (request.offset === 0) {
    take(range);
  } else {
    // Skips the offset by keys, SKIP_BATCH at a time: O(offset) in every implementation (a
    // cursor's advance is O(offset) per step under fake-indexeddb), bounded memory.
    const skip = (from: IDBKeyRange, remaining: number) => {
      const want = Math.min(remaining, SKIP_BATCH);
      on(store.getAllKeys(from, want), (keys) => {
        const last = keys[keys.length - 1];
        if (keys.length < want || last === undefined) {
          items = [];
          finish();
          return;
        }
        const rest = keyRange.bound(last, range.upper, true);
        if (remaining === want) take(rest);
        else skip(rest, remaining - want);
      }, fail);
    };
    skip(range, request.offset);
  }
}

/** Keys per `getAllKeys` while skipping an offset. */
const SKIP_BATCH = 1000;

function walkPage(
  store: IDBObjectStore,
  keyRange: typeof IDBKeyRange,
  type: string,
  request: PageRequest,
  resolve: (page: DriverPage) => void,
  fail: (error: unknown) => void,
): void {
  const { sort, after, count } = request;
  // Keeps only the best offset + limit matches (when that is at most 1000).
  const picker = pagePicker(request, (record: DriverRecord) => record);
  // Key order is walk order: without a sort, a full page that needs no total ends the walk.
  const enough = () => sort.length === 0 && picker.full();
  // Without a sort and a count, the walk can start right after the cursor's key.
  const start = sort.length === 0 && !count ? after?.key : undefined;
  const next = (from: string | undefined) => {
    on(store.getAll(typeRange(keyRange, type, from), WALK_BATCH), (records) => {
      const batch = records as DriverRecord[];
      for (const record of batch) {
        picker.add(record);
        if (enough()) return done();
      }
      if (batch.length < WALK_BATCH) return done();
      next(batch[batch.length - 1]!.key);
    }, fail);
  };
  const done = () => resolve(picker.page());
  next(start);
}
