// The HTTP API's schemas (src/http/schemas.ts, response-schemas.ts) are written with
// src/http/schema-kit.ts, a small stand-in for the part of valibot they use. Here the same
// definitions are also built with valibot itself (a copy of the files importing "valibot"), and:
// every request schema accepts and refuses the same inputs and gives the same outputs (valibot's
// object keeps only known keys, union takes the first option that fits, ...), over valid bodies
// and thousands of mutations of them; and every JSON Schema schema-json.ts writes equals what
// @valibot/to-json-schema writes for the valibot copy (so the OpenAPI document is unchanged).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as valibot from "valibot";
import { toJsonSchemaDefs as valibotJson } from "@valibot/to-json-schema";
import * as kit from "../src/http/schema-kit.ts";
import { toJsonSchemaDefs as kitJson } from "../src/http/schema-json.ts";
import * as requests from "../src/http/schemas.ts";
import * as responses from "../src/http/response-schemas.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HTTP = new URL("../src/http/", import.meta.url);
const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
const dir = join(ROOT, ".cache", `schema-kit-test-${runtime}-${Date.now()}`);
// deno-lint-ignore no-explicit-any
type Any = any;
let vbRequests: Record<string, Any>;
let vbResponses: Record<string, Any>;

/** The file with its schema functions from valibot, its other relative imports made absolute. */
function valibotCopy(name: string): string {
  return readFileSync(new URL(name, HTTP), "utf8")
    .replace('from "./schema-kit.ts"', 'from "valibot"')
    .replace(/from "(\.\.?\/[^"]+)"/g, (all, spec: string) => spec === "./schemas.ts" ? all : `from "${new URL(spec, HTTP).href}"`);
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "schemas.ts"), valibotCopy("schemas.ts"));
  writeFileSync(join(dir, "response-schemas.ts"), valibotCopy("response-schemas.ts"));
  vbRequests = await import(pathToFileURL(join(dir, "schemas.ts")).href);
  vbResponses = await import(pathToFileURL(join(dir, "response-schemas.ts")).href);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded generator (xorshift), so a failure repeats. */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13, x ^= x >>> 17, x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const STAMP = "2026-12-02T10:00:00.000Z";
const VALID: Record<string, unknown[]> = {
  STORE_WRITE: [
    { op: "save", type: "T", key: "k", value: { a: 1 } },
    { op: "save", type: "T", key: "k", value: 1, version: "3" },
    { op: "remove", type: "T", key: "k", version: 2, ignoreMissing: true },
  ],
  RECORD_WRITE: [
    { op: "put", type: "T", key: "k", expect: { absent: true }, record: { value: 1, version: "1", created: STAMP, updated: STAMP } },
    { op: "put", type: "T", key: "k", expect: { version: "1" }, record: { value: null, version: "2" } },
    { op: "delete", type: "T", key: "k", expect: { any: true } },
    { op: "delete", type: "T", key: "k", expect: { present: true } },
    { op: "truncate", type: "T" },
  ],
  REPLACE: [{ op: "replace", type: "T", key: "k", version: "1", record: { value: 2, version: "2", updated: STAMP } }],
  TRANSACTION_BODY: [{ writes: [] }, { writes: [1, "x"], verbatim: true }],
  QUERY: [
    { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true },
    { type: "T", terms: ["a"], sort: [{ field: "x", desc: false }], offset: 3, limit: 0, count: false, after: { key: "k", values: [1] } },
  ],
  CHANGES: [{ type: "T" }, { type: "T", since: STAMP, after: "k", limit: 5, versionsOf: [0, 63] }],
  PAGE_QUERY: [{}, { offset: "2", pagesize: "10", query: "q", sort: "a:desc", cursor: "c", total: "true" }],
  TYPES_QUERY: [{}, { all: "1" }, { all: "false" }],
};
const ODD: unknown[] = [
  undefined, null, true, false, 0, -1, 1, 1.5, 63, 64, 10_001, Number.MAX_SAFE_INTEGER + 2, "", "0", "1", "01", "x", "true", "save",
  "put", "delete", "truncate", "replace", "remove", STAMP, "2026-12-02", [], [1], ["a"], {}, { absent: true }, { version: "" },
  { version: "1", absent: true }, { field: "", desc: true }, { key: "k", values: [] }, { value: 1, version: "1" },
];

/** A mutation of a JSON value: a key dropped, replaced or added, an item changed, recursively. */
function mutate(value: unknown, next: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  if (next() < 0.25) return structuredClone(pick(ODD));
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length > 0 && next() < 0.6) copy[Math.floor(next() * copy.length)] = mutate(copy[Math.floor(next() * copy.length)], next);
    else copy.push(structuredClone(pick(ODD)));
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = { ...value as Record<string, unknown> };
    const keys = Object.keys(copy);
    const roll = next();
    if (keys.length > 0 && roll < 0.3) delete copy[pick(keys)];
    else if (keys.length > 0 && roll < 0.8) {
      const key = pick(keys);
      copy[key] = mutate(copy[key], next);
    } else copy[pick(["extra", "op", "type", "key", "value", "version", "expect", "record", "since", "limit", "all"])] = structuredClone(pick(ODD));
    return copy;
  }
  return structuredClone(pick(ODD));
}

describe("schema-kit against valibot, on the same schema definitions", () => {
  test("every request schema accepts and refuses the same inputs, with the same outputs", () => {
    const next = random(20261202);
    let refused = 0, accepted = 0;
    for (const [name, samples] of Object.entries(VALID)) {
      const mine = (requests as Record<string, Any>)[name];
      const theirs = vbRequests[name];
      expect([name, typeof mine?.run, typeof theirs?.["~run"]]).toEqual([name, "function", "function"]);
      const inputs: unknown[] = [...samples, ...ODD];
      for (let i = 0; i < 600; i++) {
        let input = structuredClone(samples[i % samples.length]);
        for (let depth = 1 + Math.floor(next() * 3); depth > 0; depth--) input = mutate(input, next);
        inputs.push(input);
      }
      for (const input of inputs) {
        const a = kit.safeParse(mine, input);
        const b = valibot.safeParse(theirs, input);
        expect([name, input, a.success]).toEqual([name, input, b.success]);
        if (a.success && b.success) {
          accepted++;
          expect([name, input, a.output]).toEqual([name, input, b.output]);
        } else refused++;
      }
      for (const sample of samples) expect([name, sample, kit.safeParse(mine, sample).success]).toEqual([name, sample, true]);
    }
    // Both kinds are well represented.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(1000);
  });

  test("the JSON Schemas are those @valibot/to-json-schema writes (request and response schemas)", () => {
    const names = [...Object.keys(requests), ...Object.keys(responses)];
    const mine = kitJson(Object.fromEntries(names.map((n) => [n, (requests as Record<string, Any>)[n] ?? (responses as Record<string, Any>)[n]])));
    const theirs = valibotJson(Object.fromEntries(names.map((n) => [n, vbRequests[n] ?? vbResponses[n]])), { target: "draft-2020-12", errorMode: "ignore" });
    for (const schema of Object.values(theirs) as Record<string, unknown>[]) delete schema.$schema;
    expect(mine).toEqual(theirs as Record<string, Record<string, unknown>>);
  });
});
