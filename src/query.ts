/**
 * Listing semantics (docs/api.md): query terms, the typed sort order, keyset positions.
 * Drivers that cannot push these down use {@link selectPage}; drivers that can must match it.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";
import type { JsonValue } from "./types.ts";

/** One sort field. */
export interface SortField {
  field: string;
  desc: boolean;
}

/** Splits a query into lower-cased terms; blank means none (everything matches). */
export function parseQuery(query: unknown): string[] {
  if (query === undefined) return [];
  if (typeof query !== "string") {
    throw new InvalidInputError("INVALID_ARGUMENT", "Invalid query: expected a string");
  }
  return query.toLowerCase().split(/\s+/u).filter((term) => term !== "");
}

/**
 * The text query terms are matched against: the key and `JSON.stringify(value)`, lower-cased.
 * A newline separates them; terms never contain white space, so none can span both.
 */
export function searchText(key: string, value: JsonValue): string {
  return `${key}\n${JSON.stringify(value)}`.toLowerCase();
}

/** True when every term occurs in the search text. */
export function matchesTerms(text: string, terms: readonly string[]): boolean {
  for (const term of terms) if (!text.includes(term)) return false;
  return true;
}

/** Parses `field`, `field:asc`, `field:desc` lists; throws `INVALID_ARGUMENT` on anything else. */
export function parseSort(sort: unknown): SortField[] {
  if (sort === undefined) return [];
  if (typeof sort !== "string") throw badSort("expected a string");
  if (sort === "") return [];
  return sort.split(",").map((segment) => {
    const parts = segment.split(":");
    const field = parts[0]!;
    if (field === "") throw badSort(`empty field in ${JSON.stringify(sort)}`);
    if (parts.length > 2) throw badSort(`too many ":" in ${JSON.stringify(segment)}`);
    const direction = parts.length === 2 ? parts[1]!.toLowerCase() : "asc";
    if (direction !== "asc" && direction !== "desc") {
      throw badSort(`direction must be asc or desc in ${JSON.stringify(segment)}`);
    }
    return { field, desc: direction === "desc" };
  });
}

function badSort(problem: string): InvalidInputError {
  return new InvalidInputError("INVALID_ARGUMENT", `Invalid sort: ${problem}`);
}

/** The canonical text of a parsed sort, for comparing the sorts of two requests. */
export function sortText(sort: readonly SortField[]): string {
  return sort.map((s) => `${s.field}:${s.desc ? "desc" : "asc"}`).join(",");
}

/** Compares two strings by Unicode code point (not UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: they rank above the rest of the BMP.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

function rank(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  switch (typeof value) {
    case "boolean":
      return 1;
    case "number":
      return 2;
    case "string":
      return 3;
    default:
      return 4;
  }
}

/** The typed sort order (docs/api.md): missing/null < false < true < numbers < strings < arrays/objects. */
export function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareCodePoints(a as string, b as string);
    default:
      return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
  }
}

/** Where an object stands in a sort: its sort-field values and its key. */
export interface Position {
  key: string;
  /** One entry per sort field; `null` for a missing field (same rank). */
  values: JsonValue[];
}

/** The position of an object under `sort`. */
export function positionOf(key: string, value: JsonValue, sort: readonly SortField[]): Position {
  const fields = value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  return {
    key,
    values: sort.map((s) => (fields && Object.hasOwn(fields, s.field) ? fields[s.field]! : null)),
  };
}

/** Orders two positions under `sort`; ties fall back to key order, always ascending. */
export function comparePositions(a: Position, b: Position, sort: readonly SortField[]): number {
  for (let i = 0; i < sort.length; i++) {
    const c = compareValues(a.values[i], b.values[i]);
    if (c !== 0) return sort[i]!.desc ? -c : c;
  }
  return compareCodePoints(a.key, b.key);
}
