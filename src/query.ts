/**
 * Listing semantics (docs/api.md): query terms, the typed sort order, keyset positions.
 * Drivers that cannot push these down use {@link selectPage}; drivers that can must match it.
 *
 * @module
 */
import type { InvalidInputError } from "./errors.ts";
import type { JsonValue } from "./types.ts";
import { invalidArgument } from "./validate.ts";

/** One sort field. */
export interface SortField {
  /** The top-level property of the value sorted by. */
  field: string;
  /** Descending when true. */
  desc: boolean;
}

/**
 * Most distinct query terms a listing may have, on every backend (DynamoDB's 4 KB expression
 * limit fails at ~85 terms).
 */
export const MAX_QUERY_TERMS = 32;
/** Most sort fields a listing may have, on every backend (SQLite's parser fails at 16 with a cursor). */
export const MAX_SORT_FIELDS = 10;

/**
 * Splits a query into lower-cased terms, repeats dropped; blank means none (everything matches).
 * More than {@link MAX_QUERY_TERMS} distinct terms is `INVALID_ARGUMENT`.
 */
export function parseQuery(query: unknown): string[] {
  if (query === undefined) return [];
  if (typeof query !== "string") {
    throw invalidArgument("query: expected a string");
  }
  const terms = [...new Set(query.toLowerCase().split(/\s+/u).filter((term) => term !== ""))];
  if (terms.length > MAX_QUERY_TERMS) {
    throw invalidArgument(`query: ${terms.length} distinct terms, at most ${MAX_QUERY_TERMS} are allowed`);
  }
  return terms;
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

/**
 * Parses `field`, `field:asc`, `field:desc` lists; throws `INVALID_ARGUMENT` on anything else,
 * and on more than {@link MAX_SORT_FIELDS} fields.
 */
export function parseSort(sort: unknown): SortField[] {
  if (sort === undefined) return [];
  if (typeof sort !== "string") throw badSort("expected a string");
  if (sort === "") return [];
  const segments = sort.split(",");
  if (segments.length > MAX_SORT_FIELDS) throw badSort(`${segments.length} fields, at most ${MAX_SORT_FIELDS} are allowed`);
  return segments.map((segment) => {
    const [field, given = "asc", ...rest] = segment.split(":");
    if (field === "") throw badSort(`empty field in ${JSON.stringify(sort)}`);
    if (rest.length > 0) throw badSort(`too many ":" in ${JSON.stringify(segment)}`);
    const direction = given.toLowerCase();
    if (direction !== "asc" && direction !== "desc") {
      throw badSort(`direction must be asc or desc in ${JSON.stringify(segment)}`);
    }
    return { field: field!, desc: direction === "desc" };
  });
}

function badSort(problem: string): InvalidInputError {
  return invalidArgument(`sort: ${problem}`);
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
    if (x !== y) return orderUnit(x) - orderUnit(y);
  }
  return a.length - b.length;
}

/**
 * A UTF-16 code unit moved so that code-unit order is code-point order: surrogates
 * (0xD800–0xDFFF, which encode the code points above 0xFFFF) up by 0x2000, above the rest of the
 * BMP, and units U+E000–U+FFFF down by 0x800 into the room they leave.
 */
const orderUnit = (unit: number): number => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

/**
 * A string whose UTF-16 code-unit order (JavaScript's `<`) is the code-point order of `key`:
 * units U+E000–U+FFFF move down by 0x800, surrogates up by 0x2000. Keys without units from
 * U+D800 up (nearly all) come back unchanged, so ordering by it costs no memory.
 *
 * @example
 * ```ts
 * orderKey("\u{1F600}") > orderKey("\uFFFF"); // true, as U+1F600 > U+FFFF
 * ```
 */
export function orderKey(key: string): string {
  return /[\ud800-\uffff]/.test(key) ? key.replace(/[\ud800-\uffff]/g, (unit) => String.fromCharCode(orderUnit(unit.charCodeAt(0)))) : key;
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
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    // Two numbers (rank 2) were ordered above.
    case 3:
      return compareCodePoints(a as string, b as string);
    default:
      return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
  }
}

/** Where an object stands in a sort: its sort-field values and its key. */
export interface Position {
  /** The key of the last item before the position. */
  key: string;
  /** One entry per sort field; `null` for a missing field (same rank). */
  values: JsonValue[];
}

/** The position of an object under `sort`. */
export function positionOf(key: string, value: JsonValue, sort: readonly SortField[]): Position {
  const fields = fieldsOf(value);
  return { key, values: sort.map((s) => fieldOf(fields, s.field)) };
}

/**
 * Orders the object (`key`, `value`) against `position` under `sort`, as
 * {@link comparePositions} would with the object's position, without building it.
 */
export function compareToPosition(key: string, value: JsonValue, position: Position, sort: readonly SortField[]): number {
  const fields = fieldsOf(value);
  for (let i = 0; i < sort.length; i++) {
    const s = sort[i]!;
    const c = compareValues(fieldOf(fields, s.field), position.values[i]);
    if (c !== 0) return s.desc ? -c : c;
  }
  return compareCodePoints(key, position.key);
}

/** The fields sort fields are read from: `value` when it is an object (not an array). */
function fieldsOf(value: JsonValue): { [key: string]: JsonValue } | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** An own field of `fields` (null when missing); a primitive found is always own (prototypes hold none). */
function fieldOf(fields: { [key: string]: JsonValue } | undefined, name: string): JsonValue {
  if (!fields) return null;
  const found = fields[name];
  if (found === undefined) return null;
  const kind = typeof found;
  if (kind === "number" || kind === "string" || kind === "boolean" || found === null) return found;
  return Object.hasOwn(fields, name) ? found : null;
}

/** Orders two positions under `sort`; ties fall back to key order, always ascending. */
export function comparePositions(a: Position, b: Position, sort: readonly SortField[]): number {
  for (let i = 0; i < sort.length; i++) {
    const c = compareValues(a.values[i], b.values[i]);
    if (c !== 0) return sort[i]!.desc ? -c : c;
  }
  return compareCodePoints(a.key, b.key);
}
