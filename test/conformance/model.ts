/**
 * A plain in-test model of DESIGN §2, written from the contract alone, for the
 * differential test. Deliberately simple: maps, full sorts, no cleverness.
 * @module
 */
import { compareCodePoints } from "./harness.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An error the model predicts, by code. */
export class ModelError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

export interface ModelObject {
  type: string;
  key: string;
  value: Json;
  version: string;
  created: string;
  updated: string;
}

export interface SortField {
  field: string;
  desc: boolean;
}

export interface ModelPage {
  pagination: { offset: number; pagesize: number; total: number };
  result: ModelObject[];
  /** Whether more rows follow (null when pagesize is 0: not asserted). */
  more: boolean | null;
}

type Version = string | number | null | undefined;
interface Row {
  value: Json;
  version: number;
  created: string;
  updated: string;
}

const fail = (code: string): never => {
  throw new ModelError(code);
};

function checkVersion(version: Version): void {
  if (version === undefined) return;
  if (typeof version === "number" || (typeof version === "string" && version !== "")) return;
  fail("INVALID_ARGUMENT");
}

function checkKey(key: string): void {
  if (key === "") fail("INVALID_KEY");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JSON-only check, independent of the library's. */
export function isJson(value: unknown): boolean {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return Array.from(value).every(isJson);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value as object).every(([name, v]) => !LONE_SURROGATE.test(name) && isJson(v));
  }
  return false;
}

/** Field of a value for sorting: own top-level fields of plain objects only. */
function fieldOf(value: Json, field: string): Json | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, field) ? value[field] : undefined;
}

function rank(v: Json | undefined): number {
  if (v === undefined || v === null) return 0;
  if (v === false) return 1;
  if (v === true) return 2;
  if (typeof v === "number") return 3;
  if (typeof v === "string") return 4;
  return 5;
}

/** The typed order of §2.3 within one field. */
export function compareField(a: Json | undefined, b: Json | undefined): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return (a as number) - (b as number);
  if (ra === 4) return compareCodePoints(a as string, b as string);
  if (ra === 5) return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
  return 0;
}

export function matches(key: string, value: Json, query: string | undefined): boolean {
  const terms = (query ?? "").split(/\s+/).filter((t) => t !== "");
  const inKey = key.toLowerCase();
  const inValue = JSON.stringify(value).toLowerCase();
  return terms.every((t) => inKey.includes(t.toLowerCase()) || inValue.includes(t.toLowerCase()));
}

export function sortString(sort: SortField[]): string {
  return sort.map((s) => (s.desc ? `${s.field}:desc` : s.field)).join(",");
}

export class Model {
  readonly maxPagesize: number;
  #data: Map<string, Map<string, Row>>;

  constructor(maxPagesize: number, data = new Map<string, Map<string, Row>>()) {
    this.maxPagesize = maxPagesize;
    this.#data = data;
  }

  clone(): Model {
    const copy = new Map<string, Map<string, Row>>();
    for (const [type, rows] of this.#data) copy.set(type, new Map(rows));
    return new Model(this.maxPagesize, copy);
  }

  /** Takes over the state of a committed transaction's staged copy. */
  adopt(staged: Model): void {
    this.#data = staged.#data;
  }

  #row(type: string, key: string): Row | undefined {
    return this.#data.get(type)?.get(key);
  }

  #put(type: string, key: string, row: Row | undefined): void {
    let rows = this.#data.get(type);
    if (!rows) this.#data.set(type, (rows = new Map()));
    if (row) rows.set(key, row);
    else rows.delete(key);
    if (rows.size === 0) this.#data.delete(type);
  }

  #object(type: string, key: string, row: Row): ModelObject {
    return { type, key, value: structuredClone(row.value), version: String(row.version), ...this.#stamps(row) };
  }

  #stamps(row: Row) {
    return { created: row.created, updated: row.updated };
  }

  /** Current version number of an object, if it exists. */
  version(type: string, key: string): number | undefined {
    return this.#row(type, key)?.version;
  }

  keys(type: string): string[] {
    return [...(this.#data.get(type)?.keys() ?? [])];
  }

  get(type: string, key: string): ModelObject | undefined {
    checkKey(key);
    const row = this.#row(type, key);
    return row && this.#object(type, key, row);
  }

  #write(type: string, key: string, value: Json, current: Row | undefined, now: string) {
    const row: Row = current
      ? { value: structuredClone(value), version: current.version + 1, created: current.created, updated: now }
      : { value: structuredClone(value), version: 1, created: now, updated: now };
    this.#put(type, key, row);
    return { version: String(row.version), created: row.created, updated: row.updated };
  }

  #checkAgainst(current: Row | undefined, version: Version): void {
    if (version === undefined) return;
    if (!current) fail("OBJECT_MISSING");
    if (String(version) !== String(current!.version)) fail("WRONG_OBJECT_VERSION");
  }

  save(type: string, key: string, value: unknown, version: Version, now: string) {
    checkKey(key);
    checkVersion(version);
    if (!isJson(value)) fail("INVALID_VALUE");
    const current = this.#row(type, key);
    if (version === undefined && current) fail("OBJECT_EXISTS");
    this.#checkAgainst(current, version);
    return this.#write(type, key, value as Json, current, now);
  }

  /**
   * What a transaction's create of a key it never read stages over an existing object: a new
   * object (version 1); the commit then fails with OBJECT_EXISTS.
   */
  createOver(type: string, key: string, value: Json, now: string) {
    return this.#write(type, key, value, undefined, now);
  }

  update(type: string, key: string, fn: (current: Json | undefined) => unknown, version: Version, now: string) {
    checkKey(key);
    checkVersion(version);
    const current = this.#row(type, key);
    this.#checkAgainst(current, version);
    const next = fn(current ? structuredClone(current.value) : undefined);
    if (next === undefined || !isJson(next)) fail("INVALID_VALUE");
    return this.#write(type, key, next as Json, current, now);
  }

  remove(type: string, key: string, version: Version, ignoreMissing: boolean): void {
    checkKey(key);
    checkVersion(version);
    const current = this.#row(type, key);
    if (!current) {
      if (!ignoreMissing) fail("OBJECT_MISSING");
      return;
    }
    this.#checkAgainst(current, version);
    this.#put(type, key, undefined);
  }

  truncate(type: string): void {
    this.#data.delete(type);
  }

  types(): string[] {
    return [...this.#data.keys()].sort(compareCodePoints);
  }

  /** All matching objects of a type, in sort order with the key as the last tie-breaker. */
  list(type: string, query?: string, sort: SortField[] = []): ModelObject[] {
    const rows = [...(this.#data.get(type) ?? new Map<string, Row>())].filter(([key, row]) =>
      matches(key, row.value, query)
    );
    rows.sort(([ka, a], [kb, b]) => {
      for (const { field, desc } of sort) {
        const d = compareField(fieldOf(a.value, field), fieldOf(b.value, field));
        if (d !== 0) return desc ? -d : d;
      }
      return compareCodePoints(ka, kb);
    });
    return rows.map(([key, row]) => this.#object(type, key, row));
  }

  effectivePagesize(pagesize: number | undefined): number {
    return Math.min(pagesize ?? 100, this.maxPagesize);
  }

  page(type: string, p: { offset?: number; pagesize?: number; query?: string; sort?: SortField[] }): ModelPage {
    for (const n of [p.offset, p.pagesize]) {
      if (n !== undefined && !(Number.isInteger(n) && n >= 0)) fail("INVALID_ARGUMENT");
    }
    const offset = p.offset ?? 0;
    const pagesize = this.effectivePagesize(p.pagesize);
    const all = this.list(type, p.query, p.sort);
    return {
      pagination: { offset, pagesize, total: all.length },
      result: all.slice(offset, offset + pagesize),
      more: pagesize === 0 ? null : offset + pagesize < all.length,
    };
  }
}
