/**
 * Listing inside one readonly IndexedDB transaction: pages in key order are a count plus one
 * ranged `getAll` (after a cursor `advance` past the offset); queried or sorted pages walk the
 * type's key range in `getAll` batches, keeping only the best `offset + limit` matches.
 * Requests are chained in their `onsuccess` callbacks, so the transaction stays active.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import { comparePositions, matchesTerms, type Position, positionOf, searchText } from "../../query.ts";
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
    let advanced = false;
    on(store.openKeyCursor(range), (cursor) => {
      if (!cursor) {
        items = [];
        finish();
      } else if (!advanced) {
        advanced = true;
        cursor.advance(request.offset);
      } else {
        take(keyRange.bound(cursor.primaryKey, range.upper));
      }
    }, fail);
  }
}

interface Ranked {
  record: DriverRecord;
  position: Position;
}

function walkPage(
  store: IDBObjectStore,
  keyRange: typeof IDBKeyRange,
  type: string,
  request: PageRequest,
  resolve: (page: DriverPage) => void,
  fail: (error: unknown) => void,
): void {
  const { terms, sort, after, offset, limit, count } = request;
  const keep = offset + limit;
  const best: Ranked[] = []; // the best `keep` matches after `after`, in order
  let total = 0;
  const visit = (record: DriverRecord): boolean => {
    if (terms.length > 0 && !matchesTerms(searchText(record.key, record.value), terms)) return true;
    total++;
    const position = positionOf(record.key, record.value, sort);
    if (after && comparePositions(position, after, sort) <= 0) return true;
    if (sort.length === 0) {
      // Key order is walk order: stop once the page is full, unless counting.
      if (best.length < keep) best.push({ record, position });
      return count || best.length < keep;
    }
    insertBounded(best, { record, position }, keep, (a, b) => comparePositions(a.position, b.position, sort));
    return true;
  };
  // Without a sort and a count, the walk can start right after the cursor's key.
  const start = sort.length === 0 && !count ? after?.key : undefined;
  const next = (from: string | undefined) => {
    on(store.getAll(typeRange(keyRange, type, from), WALK_BATCH), (records) => {
      const batch = records as DriverRecord[];
      for (const record of batch) {
        if (!visit(record)) return done();
      }
      if (batch.length < WALK_BATCH) return done();
      next(batch[batch.length - 1]!.key);
    }, fail);
  };
  const done = () => resolve({ items: best.slice(offset).map((r) => r.record), total: count ? total : -1 });
  next(start);
}

/** Inserts `item` into sorted `list`, keeping at most `max` items (the smallest). */
function insertBounded<T>(list: T[], item: T, max: number, compare: (a: T, b: T) => number): void {
  if (max === 0) return;
  if (list.length === max && compare(item, list[max - 1]!) >= 0) return;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(list[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
  if (list.length > max) list.pop();
}
