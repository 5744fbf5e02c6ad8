/**
 * The text formats of the Python original (object_store_abstraction), so objstore reads and
 * writes its stored data as it does:
 * - values as `json.dumps` writes them (`ensure_ascii`, separators `", "` and `": "`); its "RJM"
 *   tags for bytes and Decimal (`{"rj5mt3ypebdf3ase_TYPE": "RJMTypeBytesClass", "data": …}`) are
 *   plain JSON objects, kept as they are, so they round-trip to the Python library unchanged;
 * - dates as `datetime.isoformat()` of an aware UTC datetime (`2024-01-02T03:04:05+00:00`,
 *   microseconds when not zero), read back as objstore's stamps (UTC, milliseconds).
 *
 * @module
 */
import { BackendError } from "../errors.ts";
import type { JsonValue } from "../types.ts";

const hex4 = (code: number) => "\\u" + code.toString(16).padStart(4, "0");
const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A string as Python's `json.dumps` (ensure_ascii) writes it. */
export function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!, code = text.charCodeAt(i);
    if (SHORT[ch]) out += SHORT[ch];
    else if (code < 0x20 || code > 0x7e) out += hex4(code); // UTF-16 units: astral characters become their surrogate pair, as in Python
    else out += ch;
  }
  return out + '"';
}

/**
 * A value as Python's `json.dumps(value)` writes it (numbers as JavaScript writes them, which
 * Python reads back as the same int or float).
 *
 * @example
 * ```ts
 * pythonJson({ a: [1, "é"] }); // '{"a": [1, "\\u00e9"]}'
 * ```
 */
export function pythonJson(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return JSON.stringify(value);
  if (typeof value === "string") return pythonJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pythonJsonString(k)}: ${pythonJson(v)}`).join(", ")}}`;
}

/**
 * Parses what `json.dumps` wrote (plain JSON).
 *
 * @example
 * ```ts
 * parsePythonJson('{"a": 1}', "Person/ann"); // { a: 1 }
 * ```
 */
export function parsePythonJson(text: string, where: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new BackendError("BACKEND_ERROR", `The original layout's data of ${where} is not valid JSON`, { cause });
  }
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:?\d\d)?$/;

/**
 * A Python `isoformat()` date as an objstore stamp (UTC, milliseconds). A date without an
 * offset is taken as UTC.
 *
 * @example
 * ```ts
 * fromPythonIso("2024-01-02T04:04:05.123456+01:00"); // "2024-01-02T03:04:05.123Z"
 * ```
 */
export function fromPythonIso(text: string, where: string): string {
  const m = ISO.exec(text.trim());
  if (!m) throw new BackendError("BACKEND_ERROR", `The original layout's date of ${where} is not an ISO-8601 date`);
  const ms = Number((m[7] ?? "0").padEnd(6, "0").slice(0, 3));
  let t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
  const offset = m[8];
  if (offset && offset !== "Z") {
    const sign = offset[0] === "-" ? -1 : 1, digits = offset.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return new Date(t).toISOString();
}

/**
 * An objstore stamp as Python's `isoformat()` of the same UTC datetime.
 *
 * @example
 * ```ts
 * pythonIso("2024-01-02T03:04:05.120Z"); // "2024-01-02T03:04:05.120000+00:00"
 * pythonIso("2024-01-02T03:04:05.000Z"); // "2024-01-02T03:04:05+00:00"
 * ```
 */
export function pythonIso(stamp: string): string {
  const [seconds, fraction = "000Z"] = stamp.split(".");
  const ms = fraction.slice(0, 3);
  return `${seconds}${ms === "000" ? "" : `.${ms}000`}+00:00`;
}

/**
 * A version as the original stores it (an integer), from objstore's decimal string.
 *
 * @example
 * ```ts
 * versionNumber("12"); // 12
 * ```
 */
export function versionNumber(version: string): number {
  const n = Number(version);
  if (!Number.isSafeInteger(n) || n < 1) throw new BackendError("BACKEND_ERROR", `Version ${version} does not fit the original layout's integer versions`);
  return n;
}
