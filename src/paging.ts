/**
 * `page()` parameters, keyset cursors and the shape of a page (docs/api.md), shared by the store
 * and its transactions.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "./driver.ts";
import { InvalidInputError } from "./errors.ts";
import { parseQuery, parseSort, positionOf, type SortField, sortText } from "./query.ts";
import type { JsonValue, Page, PageParams, StoredObject } from "./types.ts";
import { checkCount, describe } from "./validate.ts";

/** A validated page request plus what the response echoes. */
export interface PagePlan {
  request: PageRequest;
  offset: number;
  pagesize: number;
  byCursor: boolean;
}

/** Validates `params` into a driver request. `maxPagesize` clamps the page size. */
export function planPage(params: PageParams | undefined, maxPagesize: number): PagePlan {
  if (params === undefined || params === null) params = {};
  else if (typeof params !== "object") throw badArgument(`page parameters: expected an object, got ${describe(params)}`);
  const offset = checkCount(params.offset, "offset", 0);
  const pagesize = Math.min(checkCount(params.pagesize, "pagesize", 100), maxPagesize);
  let terms = parseQuery(params.query);
  let sort = parseSort(params.sort);
  const total = params.total === undefined ? true : params.total;
  if (typeof total !== "boolean") throw badArgument(`total: expected a boolean, got ${describe(total)}`);
  if (params.cursor === undefined) {
    // Without a count, one extra item tells whether more follow.
    const request = { terms, sort, offset, limit: total ? pagesize : pagesize + 1, count: total };
    return { request, offset, pagesize, byCursor: false };
  }
  if (params.offset !== undefined && offset !== 0) throw badArgument("offset cannot be combined with a cursor");
  const cursor = decodeCursor(params.cursor);
  if (params.sort !== undefined && sortText(sort) !== cursor.sort) {
    throw badArgument("cursor: it was made for another sort");
  }
  if (params.query !== undefined && terms.join(" ") !== cursor.query) {
    throw badArgument("cursor: it was made for another query");
  }
  sort = parseSort(cursor.sort);
  terms = parseQuery(cursor.query);
  if (cursor.values.length !== sort.length) throw badCursor();
  return {
    // One extra item tells whether more follow.
    request: { terms, sort, offset: 0, limit: pagesize + 1, after: { key: cursor.key, values: cursor.values }, count: false },
    offset: 0,
    pagesize,
    byCursor: true,
  };
}

/** Builds the page the caller sees from what the driver returned. */
export function buildPage<T>(
  type: string,
  plan: PagePlan,
  driverPage: DriverPage,
  toObject: (type: string, record: DriverRecord) => StoredObject<T>,
): Page<T> {
  const { request, pagesize } = plan;
  const records = driverPage.items.slice(0, pagesize);
  const more = request.count
    ? plan.offset + records.length < driverPage.total
    : driverPage.items.length > pagesize;
  const page: Page<T> = {
    pagination: { offset: plan.offset, pagesize, total: request.count ? driverPage.total : -1 },
    result: records.map((record) => toObject(type, record)),
  };
  const last = records[records.length - 1];
  if (more && last) page.next = encodeCursor(request.sort, request.terms, last);
  return page;
}

interface Cursor {
  sort: string;
  query: string;
  key: string;
  values: JsonValue[];
}

function encodeCursor(sort: SortField[], terms: string[], last: DriverRecord): string {
  const position = positionOf(last.key, last.value, sort);
  const json = JSON.stringify({ s: sortText(sort), q: terms.join(" "), k: position.key, v: position.values });
  const bytes = new TextEncoder().encode(json);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(cursor: unknown): Cursor {
  if (typeof cursor !== "string" || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let parsed: unknown;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw badCursor();
  }
  const c = parsed as { s?: unknown; q?: unknown; k?: unknown; v?: unknown };
  if (
    typeof parsed !== "object" || parsed === null ||
    typeof c.s !== "string" || typeof c.q !== "string" || typeof c.k !== "string" || !Array.isArray(c.v)
  ) {
    throw badCursor();
  }
  return { sort: c.s, query: c.q, key: c.k, values: c.v as JsonValue[] };
}

function badCursor(): InvalidInputError {
  return badArgument("cursor: not a cursor this store made");
}

function badArgument(problem: string): InvalidInputError {
  return new InvalidInputError("INVALID_ARGUMENT", `Invalid ${problem}`);
}
