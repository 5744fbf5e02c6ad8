import { describe, expect, test } from "bun:test";
import type { DriverRecord, PageRequest } from "../src/driver.ts";
import { comparePositions, compareToPosition, matchesTerms, positionOf, searchText, type SortField } from "../src/query.ts";
import { pagePicker, selectPage } from "../src/select.ts";
import type { JsonValue } from "../src/types.ts";

/** The page by definition: filter, sort everything, skip to after the cursor, slice. */
function reference(records: DriverRecord[], request: PageRequest): { items: DriverRecord[]; total: number } {
  const matching = records.filter((r) => matchesTerms(searchText(r.key, r.value), request.terms));
  const sorted = matching
    .map((r) => ({ r, position: positionOf(r.key, r.value, request.sort) }))
    .sort((a, b) => comparePositions(a.position, b.position, request.sort))
    .map(({ r }) => r);
  const { after } = request;
  const rest = after ? sorted.filter((r) => compareToPosition(r.key, r.value, after, request.sort) > 0) : sorted;
  return { items: rest.slice(request.offset, request.offset + request.limit), total: request.count ? matching.length : -1 };
}

describe("selectPage", () => {
  test("agrees with a full sort on mixed kinds, ties, both directions, several fields and cursors", () => {
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
    // Few distinct values, so most entries tie with the worst kept one on the first field.
    const strings = ["a", "b", "B", "\uFF5E", "\u{1F600}", "é", ""];
    const field = (): JsonValue | undefined => {
      switch (random(9)) {
        case 0:
          return undefined;
        case 1:
          return null;
        case 2:
          return random(2) === 0;
        case 3:
        case 4:
          return random(5) - 2;
        case 5:
          return random(3) + 0.5;
        case 6:
        case 7:
          return strings[random(strings.length)]!;
        default:
          return random(2) === 0 ? [random(3)] : { n: random(3) };
      }
    };
    const keys = ["k", "K", "\u{1F600}", "\uFF5E", "é"];
    const records: DriverRecord[] = [];
    for (let i = 0; i < 400; i++) {
      let value: JsonValue;
      if (random(20) === 0) value = random(2) === 0 ? [1, 2] : random(10);
      else {
        const object: { [key: string]: JsonValue } = {};
        for (const name of ["a", "b"]) {
          const v = field();
          if (v !== undefined) object[name] = v;
        }
        value = object;
      }
      const key = `${keys[random(keys.length)]}${i}`;
      records.push({ key, value, version: "1", created: "c", updated: "u" });
    }
    const sorts: SortField[][] = [
      [],
      [{ field: "a", desc: false }],
      [{ field: "a", desc: true }],
      [{ field: "a", desc: true }, { field: "b", desc: false }],
      [{ field: "b", desc: false }, { field: "a", desc: true }],
    ];
    for (let run = 0; run < 300; run++) {
      const sort = sorts[run % sorts.length]!;
      const terms = random(4) === 0 ? ["b"] : [];
      const request: PageRequest = { terms, sort, offset: random(4), limit: 1 + random(30), count: random(2) === 0 };
      if (random(3) === 0) {
        const at = records[random(records.length)]!;
        request.after = positionOf(at.key, at.value, sort);
      }
      const expected = reference(records, request);
      expect(selectPage(records, request, (r) => r)).toEqual(expected);
      const picker = pagePicker(request, (r: DriverRecord) => r);
      for (const record of records) picker.add(record);
      expect(picker.page()).toEqual(expected);
    }
  });
});
