/**
 * In-memory listing for drivers that cannot push a request down (and the reference for those
 * that can): filter, order, keyset, count and slice exactly as docs/api.md says.
 *
 * @module
 */
import type { DriverRecord, PageRequest } from "./driver.ts";
import { comparePositions, compareToPosition, matchesTerms, type Position, positionOf, searchText } from "./query.ts";

/** Up to this many results (offset + limit) are kept in a bounded sorted buffer, not a full sort. */
const BOUNDED = 1000;

/**
 * Serves `request` over `entries` (any order). `recordOf` gives an entry's record and `textOf`
 * its search text (drivers may cache it). Memory holds at most offset + limit entries when that
 * is small, so a driver may stream a whole type through it.
 */
export function selectPage<E>(
  entries: Iterable<E>,
  request: PageRequest,
  recordOf: (entry: E) => DriverRecord,
  textOf?: (entry: E) => string,
): { items: E[]; total: number } {
  const picker = pagePicker(request, recordOf, textOf);
  for (const entry of entries) picker.add(entry);
  return picker.page();
}

/**
 * {@link selectPage} one entry at a time, for entries that arrive asynchronously.
 *
 * @example
 * ```ts
 * const picker = pagePicker(request, (r: DriverRecord) => r);
 * for await (const record of records) picker.add(record);
 * return picker.page();
 * ```
 */
export function pagePicker<E>(
  request: PageRequest,
  recordOf: (entry: E) => DriverRecord,
  textOf: (entry: E) => string = (e) => searchText(recordOf(e).key, recordOf(e).value),
): {
  add(entry: E): void;
  /**
   * True when offset + limit entries are kept and no total is wanted: a caller that feeds
   * entries in the page's order (key order for an unsorted request) can stop.
   */
  full(): boolean;
  page(): { items: E[]; total: number };
} {
  const { terms, sort, after } = request;
  const wanted = request.offset + request.limit;
  const bounded = wanted <= BOUNDED;
  const compare = (a: Ranked<E>, b: Ranked<E>) => comparePositions(a.position, b.position, sort);
  const kept: Ranked<E>[] = [];
  let total = 0;
  return {
    add(entry) {
      if (terms.length > 0 && !matchesTerms(textOf(entry), terms)) return;
      total++;
      const record = recordOf(entry);
      if (after && compareToPosition(record.key, record.value, after, sort) <= 0) return;
      // Most entries of a big type lose against the worst kept one: decided without building a position.
      if (bounded && kept.length >= wanted) {
        if (wanted === 0 || compareToPosition(record.key, record.value, kept[kept.length - 1]!.position, sort) >= 0) return;
      }
      const ranked = { entry, position: positionOf(record.key, record.value, sort) };
      if (!bounded) {
        kept.push(ranked);
      } else {
        kept.splice(insertionPoint(kept, ranked, compare), 0, ranked);
        if (kept.length > wanted) kept.pop();
      }
    },
    full: () => !request.count && kept.length >= wanted,
    page() {
      if (!bounded) kept.sort(compare);
      const items = kept.slice(request.offset, wanted).map((r) => r.entry);
      return { items, total: request.count ? total : -1 };
    },
  };
}

interface Ranked<E> {
  entry: E;
  position: Position;
}

function insertionPoint<T>(sorted: T[], item: T, compare: (a: T, b: T) => number): number {
  return firstIndex(sorted.length, (i) => compare(sorted[i]!, item) <= 0);
}

/**
 * Binary search: the first index in [0, `end`) for which `before` is false (`end` when there is
 * none), where `before` is true for a prefix of the indexes and false for the rest.
 *
 * @example
 * ```ts
 * firstIndex(4, (i) => [1, 3, 5, 7][i]! < 4); // 2
 * ```
 */
export function firstIndex(end: number, before: (index: number) => boolean): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
