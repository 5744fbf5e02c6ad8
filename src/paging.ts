/**
 * `page()` parameters, keyset cursors and the shape of a page (docs/api.md), shared by the store
 * and its transactions.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "./driver.ts";
import type { InvalidInputError } from "./errors.ts";
import { parseQuery, parseSort, type Position, positionOf, type SortField, sortText } from "./query.ts";
import type { JsonValue, Page, PageParams, StoredObject } from "./types.ts";
import { checkCount, invalidArgument, unexpected } from "./validate.ts";

/** A validated page request plus the page size the response echoes. */
export interface PagePlan {
  request: PageRequest;
  pagesize: number;
}

/** Validates `params` into a driver request. `maxPagesize` clamps the page size. */
export function planPage(params: PageParams | undefined, maxPagesize: number): PagePlan {
  if (params == null) params = {};
  else if (typeof params !== "object") throw unexpected("page parameters", "an object", params);
  const offset = checkCount(params.offset, "offset", 0);
  const pagesize = Math.min(checkCount(params.pagesize, "pagesize", 100), maxPagesize);
  let terms = parseQuery(params.query);
  let sort = parseSort(params.sort);
  let count = params.total === undefined ? true : params.total;
  if (typeof count !== "boolean") throw unexpected("total", "a boolean", count);
  let after: Position | undefined;
  if (params.cursor !== undefined) {
    if (offset !== 0) throw invalidArgument("offset cannot be combined with a cursor");
    const cursor = decodeCursor(params.cursor);
    const other = params.sort !== undefined && sortText(sort) !== cursor.sort
      ? "sort"
      : params.query !== undefined && terms.join(" ") !== cursor.query ? "query" : undefined;
    if (other) throw invalidArgument(`cursor: it was made for another ${other}`);
    sort = parseSort(cursor.sort);
    terms = parseQuery(cursor.query);
    if (cursor.after.values.length !== sort.length) throw badCursor();
    after = cursor.after;
    count = false;
  }
  // Without a count, one extra item tells whether more follow.
  const request: PageRequest = { terms, sort, offset, limit: count ? pagesize : pagesize + 1, count };
  if (after) request.after = after;
  return { request, pagesize };
}

/** Builds the page the caller sees from what the driver returned. */
export function buildPage<T>(
  plan: PagePlan,
  driverPage: DriverPage,
  toObject: (record: DriverRecord) => StoredObject<T>,
): Page<T> {
  const { request, pagesize } = plan;
  const { offset } = request;
  const records = driverPage.items.slice(0, pagesize);
  const more = request.count
    ? offset + records.length < driverPage.total
    : driverPage.items.length > pagesize;
  const page: Page<T> = {
    pagination: { offset, pagesize, total: request.count ? driverPage.total : -1 },
    result: records.map(toObject),
  };
  const last = records[records.length - 1];
  if (more && last) page.next = encodeCursor(request.sort, request.terms, last);
  return page;
}

interface Cursor {
  sort: string;
  query: string;
  after: Position;
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
  let c: { s?: unknown; q?: unknown; k?: unknown; v?: unknown } | undefined;
  if (typeof cursor === "string" && /^[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
      c = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(binary, (b) => b.charCodeAt(0))));
    } catch {
      // Not base64url of UTF-8 JSON: not a cursor (below).
    }
  }
  if (typeof c?.s !== "string" || typeof c.q !== "string" || typeof c.k !== "string" || !Array.isArray(c.v)) throw badCursor();
  return { sort: c.s, query: c.q, after: { key: c.k, values: c.v as JsonValue[] } };
}

function badCursor(): InvalidInputError {
  return invalidArgument("cursor: not a cursor this store made");
}
