/** Seeded PRNG and the operation generator of the differential test. @module */
import type { Json, Model, SortField } from "./model.ts";

/** mulberry32: small, fast, deterministic. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(options: [number, () => T][]): T {
    const total = options.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, make] of options) {
      if ((r -= w) < 0) return make();
    }
    return options[options.length - 1]![1]();
  }
}

export type V = string | number | null | undefined;
/** A sort as sent (text) and as meant (fields; null when the text is invalid). */
export interface SortSpec {
  text: string;
  fields: SortField[] | null;
}
export type UpdateKind = "inc" | "replace" | "undefined" | "bad";

export type Op =
  | { op: "save"; type: string; key: string; value: unknown; version: V }
  | { op: "update"; type: string; key: string; kind: UpdateKind; value: Json; version: V }
  | { op: "remove"; type: string; key: string; options?: { version?: V; ignoreMissing?: boolean } }
  | { op: "truncate"; type: string }
  | { op: "get"; type: string; key: string }
  | { op: "page"; type: string; offset?: number; pagesize?: number; query?: string; sort?: SortSpec }
  | { op: "types" }
  | { op: "scan"; type: string; query?: string }
  | { op: "walk"; type: string; pagesize: number; query?: string; sort?: SortSpec; repeat: boolean }
  | { op: "tx"; seed: number; length: number; retries?: number; throwAtEnd: boolean };

export const TYPES = ["T1", "t2", "Ü 😀"];
const KEYS = [
  "a", "b", "B", "aa", "Ab", "k/1", "k 2", "..", "%20", "é", "😀", "z", "\uFF5E", "a:b",
  ...Array.from({ length: 30 }, (_, i) => `n${i}`),
];
const WORDS = ["apple", "Apple", "ÄRGER", "ärger", "zed", "Zebra", "b", "", "😀", "\uFF5E", "日本", "a b", "10", "9"];
const TERMS = ["apple", "APPLE", "ärger", "ÄRGER", "a", "b", "z", "1", "-", '"aa":', "😀", "日本", "k/", "nothing", "null"];
const FIELDS = ["AA", "BB", "s", "nope"];

function scalar(rng: Rng): Json {
  return rng.weighted<Json>([
    [1, () => null],
    [1, () => rng.chance(0.5)],
    [3, () => rng.int(11) - 5],
    [2, () => (rng.int(21) - 10) / 4],
    [3, () => rng.pick(WORDS)],
    [1, () => [rng.int(3), rng.pick(WORDS)]],
    [1, () => ({ o: rng.int(3) })],
  ]);
}

export function randomValue(rng: Rng): Json {
  if (rng.chance(0.15)) return scalar(rng);
  const value: { [k: string]: Json } = {};
  if (rng.chance(0.75)) value.AA = scalar(rng);
  if (rng.chance(0.6)) value.BB = scalar(rng);
  if (rng.chance(0.6)) value.s = rng.pick(WORDS);
  if (rng.chance(0.1)) value.deep = { list: [scalar(rng), { x: scalar(rng) }] };
  return value;
}

export function randomQuery(rng: Rng): string | undefined {
  if (rng.chance(0.4)) return undefined;
  if (rng.chance(0.15)) return rng.pick(["", "  ", "\t"]);
  const terms = Array.from({ length: 1 + rng.int(2) }, () => rng.pick(TERMS));
  return terms.join(rng.pick([" ", "  ", " \t"]));
}

export function randomSort(rng: Rng, allowBad: boolean): SortSpec | undefined {
  if (rng.chance(0.35)) return undefined;
  if (allowBad && rng.chance(0.04)) return { text: rng.pick(["AA:up", "AA,", ",BB", "AA:asc:x"]), fields: null };
  const count = 1 + rng.int(2);
  const names = [...FIELDS];
  const fields: SortField[] = [];
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const field = names.splice(rng.int(names.length), 1)[0]!;
    const style = rng.pick(["", ":asc", ":desc", ":DESC", ":Asc"]);
    fields.push({ field, desc: style.toLowerCase() === ":desc" });
    parts.push(field + style);
  }
  return { text: parts.join(","), fields };
}

function pickKey(rng: Rng, model: Model, type: string): string {
  const existing = model.keys(type);
  return existing.length > 0 && rng.chance(0.6) ? rng.pick(existing) : rng.pick(KEYS);
}

function pickVersion(rng: Rng, current: number | undefined): V {
  const r = rng.next();
  if (current === undefined) {
    if (r < 0.8) return undefined;
    return r < 0.97 ? rng.pick<V>([1, "1", "3"]) : null;
  }
  if (r < 0.2) return undefined;
  if (r < 0.72) return rng.chance(0.5) ? current : String(current);
  if (r < 0.97) return rng.pick<V>([current + 1, String(current + 2), "0" + current, current + 10]);
  return null;
}

/** The next operation, chosen against the model's current state (staged state in a transaction). */
export function generateOp(rng: Rng, model: Model, inTx: boolean): Op {
  const type = rng.pick(TYPES);
  const key = pickKey(rng, model, type);
  const current = model.version(type, key);
  return rng.weighted<Op>([
    [22, () => {
      if (rng.chance(0.03)) {
        const version = current === undefined ? undefined : String(current);
        return { op: "save", type, key, value: { bad: [1, NaN] }, version };
      }
      if (rng.chance(0.02)) return { op: "save", type, key: "", value: 1, version: undefined };
      return { op: "save", type, key, value: randomValue(rng), version: pickVersion(rng, current) };
    }],
    [10, () => ({
      op: "update", type, key, value: randomValue(rng), version: pickVersion(rng, current),
      kind: rng.weighted<UpdateKind>([[50, () => "inc"], [35, () => "replace"], [8, () => "undefined"], [7, () => "bad"]]),
    })],
    [10, () => {
      if (rng.chance(0.15)) return { op: "remove", type, key };
      const version = pickVersion(rng, current);
      const ignoreMissing = rng.pick([undefined, true, false]);
      return { op: "remove", type, key, options: { version, ignoreMissing } };
    }],
    [0.6, () => ({ op: "truncate", type })],
    [inTx ? 0 : 12, () => ({
      op: "tx", seed: rng.int(2 ** 31), length: 1 + rng.int(6), throwAtEnd: rng.chance(0.12),
      retries: rng.pick([undefined, 0, 1, 2]),
    })],
    [14, () => ({ op: "get", type, key: rng.chance(0.02) ? "" : key })],
    [14, () => ({
      op: "page", type,
      offset: rng.chance(0.3) ? undefined : rng.chance(0.02) ? -1 : rng.int(12),
      pagesize: rng.chance(0.25) ? undefined : rng.chance(0.02) ? 1.5 : rng.int(11),
      query: randomQuery(rng), sort: randomSort(rng, true),
    })],
    [inTx ? 0 : 5, () => ({
      op: "walk", type, pagesize: 1 + rng.int(5), query: randomQuery(rng), sort: randomSort(rng, false),
      repeat: rng.chance(0.3),
    })],
    [3, () => ({ op: "types" })],
    [4, () => ({ op: "scan", type, query: randomQuery(rng) })],
  ]);
}

/** The update function an op stands for (pure; never mutates its argument). */
export function updateFn(kind: UpdateKind, value: Json): (current: Json | undefined) => unknown {
  switch (kind) {
    case "inc":
      return (current) => {
        if (current !== null && typeof current === "object" && !Array.isArray(current) && typeof current.AA === "number") {
          return { ...current, AA: current.AA + 1 };
        }
        return { AA: 0, from: current === undefined ? "nothing" : Array.isArray(current) ? "array" : String(current) };
      };
    case "replace":
      return () => value;
    case "undefined":
      return () => undefined;
    case "bad":
      return () => ({ when: new Date(0) });
  }
}

export function describeOp(op: Op): string {
  return JSON.stringify(op, (_, v) =>
    v === undefined ? "<undefined>" : typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
}
