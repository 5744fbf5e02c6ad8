/**
 * Canonical JSON: object keys in code-point order at every level, so equal values compare and
 * hash equally whatever order a backend returns their keys in.
 *
 * @module
 */
import { compareCodePoints } from "../query.ts";
import type { JsonValue } from "../types.ts";

/**
 * The canonical JSON text of a value.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const names = Object.keys(value).sort(compareCodePoints);
  return `{${names.map((n) => `${JSON.stringify(n)}:${canonicalJson(value[n]!)}`).join(",")}}`;
}
