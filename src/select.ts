/**
 * In-memory listing for drivers that cannot push a request down (and the reference for those
 * that can): filter, order, keyset, count and slice exactly as docs/api.md says.
 *
 * @module
 */
import type { DriverRecord, PageRequest } from "./driver.ts";
import { compareCodePoints, comparePositions, compareToPosition, matchesTerms, type Position, positionOf, searchText } from "./query.ts";

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
  picker.addAll(entries);
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
  /** {@link add} for each of `entries`, in one loop. */
  addAll(entries: Iterable<E>): void;
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
  /**
   * Once a bounded picker keeps `wanted` entries, the worst of them: only an entry that ranks
   * before it can enter. Most entries of a big type lose against it, decided without building
   * a position.
   */
  let worst: Position | undefined;
  let total = 0;
  /** Keeps a counted entry if it ranks after the cursor and among the best `wanted`. */
  const consider = (entry: E, { key, value }: DriverRecord) => {
    if ((after && compareToPosition(key, value, after, sort) <= 0) || (bounded && (wanted === 0 || (worst && compareToPosition(key, value, worst, sort) >= 0)))) return;
    const ranked = { entry, position: positionOf(key, value, sort) };
    if (!bounded) return void kept.push(ranked);
    kept.splice(firstIndex(kept.length, (i) => compare(kept[i]!, ranked) <= 0), 0, ranked);
    if (kept.length > wanted) kept.pop();
    if (kept.length === wanted) worst = kept[wanted - 1]!.position;
  };
  return {
    add(entry) {
      if (terms.length > 0 && !matchesTerms(textOf(entry), terms)) return;
      total++;
      consider(entry, recordOf(entry));
    },
    addAll(entries) {
      // The common case inline: an entry whose first sort field holds a number or string that
      // ranks after the worst kept one's of the same kind is out, without a call (a tie, or any
      // other value, is for `consider` to decide).
      const field = sort[0]?.field;
      const desc = sort[0]?.desc;
      const hasTerms = terms.length > 0;
      let counted = 0;
      for (const entry of entries) {
        if (hasTerms && !matchesTerms(textOf(entry), terms)) continue;
        counted++;
        const record = recordOf(entry);
        const bar = worst; // a local: the engines keep it in a register
        if (bar !== undefined && field !== undefined) {
          const value = record.value;
          // Such a field found is always own (prototypes hold no numbers or strings).
          const x = value !== null && typeof value === "object" && !Array.isArray(value) ? value[field] : undefined;
          const w = bar.values[0];
          const c = typeof x === "number" && typeof w === "number" ? x - w : typeof x === "string" && typeof w === "string" ? compareCodePoints(x, w) : 0;
          if (desc ? c < 0 : c > 0) continue;
        }
        consider(entry, record);
      }
      total += counted;
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
