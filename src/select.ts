/**
 * In-memory listing for drivers that cannot push a request down (and the reference for those
 * that can): filter, order, keyset, count and slice exactly as DESIGN §2.3 says.
 *
 * @module
 */
import type { DriverRecord, PageRequest } from "./driver.ts";
import { comparePositions, matchesTerms, type Position, positionOf, searchText } from "./query.ts";

/**
 * Serves `request` over `entries` (any order). `recordOf` gives an entry's record and `textOf`
 * its search text (drivers may cache it).
 */
export function selectPage<E>(
  entries: Iterable<E>,
  request: PageRequest,
  recordOf: (entry: E) => DriverRecord,
  textOf: (entry: E) => string = (e) => searchText(recordOf(e).key, recordOf(e).value),
): { items: E[]; total: number } {
  const { terms, sort, after } = request;
  const matching: { entry: E; position: Position }[] = [];
  let total = 0;
  for (const entry of entries) {
    if (terms.length > 0 && !matchesTerms(textOf(entry), terms)) continue;
    total++;
    const record = recordOf(entry);
    const position = positionOf(record.key, record.value, sort);
    if (after && comparePositions(position, after, sort) <= 0) continue;
    matching.push({ entry, position });
  }
  matching.sort((a, b) => comparePositions(a.position, b.position, sort));
  const items = matching.slice(request.offset, request.offset + request.limit).map((m) => m.entry);
  return { items, total: request.count ? total : -1 };
}
