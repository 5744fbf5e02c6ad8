/**
 * Python literals, as the original's SimpleFileStore writes its files (`repr()` of a dict) and
 * reads them back (with `eval()`, which objstore never does): a parser for the literals `repr`
 * produces, and the matching writer.
 *
 * Read: dicts (string keys), lists, tuples (as arrays), `str` with every escape (`\\ \' \" \a \b
 * \f \n \r \t \v`, octal, `\x`, `\u`, `\U`, `\N{…}` excepted), `bytes` (as the original's RJM
 * bytes tag, `{"rj5mt3ypebdf3ase_TYPE": "RJMTypeBytesClass", "data": <UTF-8 text>}`, the form its
 * SQL and DynamoDB stores use), `Decimal('…')` (as the RJM Decimal tag), ints, floats,
 * `True`/`False`/`None`. Anything else (a call, a name, `inf`/`nan`, an int beyond 2⁵³) is an
 * error naming the position: never evaluated, never silently changed.
 *
 * Write: the same forms, with `repr`'s quoting (single quotes unless the text holds `'` and no
 * `"`), and an RJM bytes tag written back as a `b'…'` literal.
 *
 * @module
 */
import type { JsonValue } from "../types.ts";

/** The key of the original's RJM type tags. */
export const RJM_TAG = "rj5mt3ypebdf3ase_TYPE";

/** A Python literal that cannot be read; `at` is its position in the text. */
export class PythonLiteralError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(`${message} at position ${at}`);
    this.at = at;
    this.name = "PythonLiteralError";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "" };

/**
 * Parses one Python literal (the whole text, surrounding white space allowed).
 *
 * @example
 * ```ts
 * parsePythonLiteral("{'Data': {'a': [1, 2.5, True, None]}, 'ObjVer': 3}");
 * // { Data: { a: [1, 2.5, true, null] }, ObjVer: 3 }
 * ```
 */
export function parsePythonLiteral(text: string): JsonValue {
  let i = 0;
  const fail = (message: string): never => {
    throw new PythonLiteralError(message, i);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    space();
    if (text[i] !== ch) fail(`expected ${JSON.stringify(ch)}`);
    i++;
  };

  const quoted = (bytes: boolean): string | number[] => {
    const quote = text[i]!;
    const triple = text.startsWith(quote.repeat(3), i);
    i += triple ? 3 : 1;
    const out: number[] = []; // UTF-16 units for str, byte values for bytes
    const push = (s: string) => {
      for (const unit of s) {
        if (bytes) {
          const c = unit.codePointAt(0)!;
          if (c > 0x7f) fail("non-ASCII character in a bytes literal");
          out.push(c);
        } else {
          for (let k = 0; k < unit.length; k++) out.push(unit.charCodeAt(k));
        }
      }
    };
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      if (triple ? text.startsWith(quote.repeat(3), i) : text[i] === quote) {
        i += triple ? 3 : 1;
        break;
      }
      const ch = text[i]!;
      if (!triple && ch === "\n") fail("line break in a string");
      if (ch !== "\\") {
        const cp = text.codePointAt(i)!;
        push(String.fromCodePoint(cp));
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      const e = text[i + 1];
      if (e === undefined) fail("unterminated escape");
      i += 2;
      if (e! in SIMPLE_ESCAPES) push(SIMPLE_ESCAPES[e!]!);
      else if (/[0-7]/.test(e!)) {
        let digits = e!;
        while (digits.length < 3 && /[0-7]/.test(text[i] ?? "")) digits += text[i++];
        const code = parseInt(digits, 8);
        if (bytes) out.push(code & 0xff);
        else push(String.fromCharCode(code));
      } else if (e === "x" || (!bytes && (e === "u" || e === "U"))) {
        const n = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = text.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`bad \\${e} escape`);
        i += n;
        const code = parseInt(hex, 16);
        if (bytes) out.push(code);
        else if (code > 0x10ffff) fail("code point beyond U+10FFFF");
        else push(code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code));
      } else {
        // Python keeps an unknown escape as the backslash and the character.
        push("\\" + e);
      }
    }
    return bytes ? out : String.fromCharCode(...out);
  };

  const strings = (bytes: boolean): string | number[] => {
    // Adjacent literals concatenate, as in Python source.
    let first = quoted(bytes);
    for (;;) {
      const save = i;
      space();
      const prefixed = bytes ? /^[bB]['"]/.test(text.slice(i, i + 2)) : /^['"]/.test(text[i] ?? "");
      if (!prefixed) {
        i = save;
        return first;
      }
      if (bytes) i++;
      const next = quoted(bytes);
      first = typeof first === "string" ? first + (next as string) : [...(first as number[]), ...(next as number[])];
    }
  };

  const value = (): JsonValue => {
    space();
    const ch = text[i];
    if (ch === undefined) return fail("unexpected end");
    if (ch === "{") {
      i++;
      const out: Record<string, JsonValue> = {};
      space();
      if (text[i] === "}") return i++, out;
      for (;;) {
        const key = value();
        if (typeof key !== "string") fail("dict key is not a string");
        expect(":");
        Object.defineProperty(out, key as string, { value: value(), enumerable: true, writable: true, configurable: true });
        space();
        if (text[i] === ",") {
          i++;
          space();
          if (text[i] === "}") return i++, out;
          continue;
        }
        expect("}");
        return out;
      }
    }
    if (ch === "[" || ch === "(") {
      const close = ch === "[" ? "]" : ")";
      i++;
      const out: JsonValue[] = [];
      space();
      if (text[i] === close) return i++, out;
      for (;;) {
        out.push(value());
        space();
        if (text[i] === ",") {
          i++;
          space();
          if (text[i] === close) return i++, out;
          continue;
        }
        expect(close);
        return out;
      }
    }
    if (ch === "'" || ch === '"') return strings(false) as string;
    if ((ch === "b" || ch === "B") && /['"]/.test(text[i + 1] ?? "")) {
      i++;
      const bytes = strings(true) as number[];
      let data: string;
      try {
        data = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(new Uint8Array(bytes));
      } catch {
        return fail("bytes that are not UTF-8 (the original cannot store them either)");
      }
      return { [RJM_TAG]: "RJMTypeBytesClass", data };
    }
    const word = /^(True|False|None|Decimal\(|[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)/.exec(text.slice(i))?.[0];
    if (word === undefined) return fail("not a literal");
    i += word.length;
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    if (word === "Decimal(") {
      space();
      const digits = strings(false) as string;
      expect(")");
      return { [RJM_TAG]: "RJMTypeDecimalClass", data: digits };
    }
    const clean = word.replaceAll("_", "");
    const n = Number(clean);
    if (!Number.isFinite(n)) fail("number out of range");
    if (/^[-+]?\d+$/.test(clean) && !Number.isSafeInteger(n)) fail("integer beyond 2^53 (it would change as a JSON number)");
    return n;
  };

  const result = value();
  space();
  if (i < text.length) fail("text after the literal");
  return result;
}

// Python's str.isprintable(): not in Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs (but the space itself).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function reprString(text: string, prefix = ""): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = prefix + quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === " " || (cp < 0x7f && cp >= 0x20)) out += ch;
    else if (prefix === "b" || NOT_PRINTABLE.test(ch) || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += cp < 0x100 ? `\\x${cp.toString(16).padStart(2, "0")}` : cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, "0")}` : `\\U${cp.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

const isBytesTag = (value: { [key: string]: JsonValue }): value is { [RJM_TAG]: string; data: string } => {
  const keys = Object.keys(value);
  return keys.length === 2 && value[RJM_TAG] === "RJMTypeBytesClass" && typeof value.data === "string";
};

/**
 * Writes a value as Python's `repr` would (see the module docs).
 *
 * @example
 * ```ts
 * formatPythonLiteral({ Data: { a: "it's" }, ObjVer: 1 }); // `{'Data': {'a': "it's"}, 'ObjVer': 1}`
 * ```
 */
export function formatPythonLiteral(value: JsonValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
    // Past 2^53 a JSON number is a float: written as one (an exponent), so Python reads a float.
    return Number.isInteger(value) ? value.toExponential() : String(value);
  }
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(formatPythonLiteral).join(", ")}]`;
  if (isBytesTag(value)) {
    // bytes: the UTF-8 of the text, each byte as repr writes it (ASCII kept, others \xhh).
    let latin = "";
    for (const b of new TextEncoder().encode(value.data)) latin += String.fromCharCode(b);
    return reprString(latin, "b");
  }
  return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${formatPythonLiteral(v)}`).join(", ")}}`;
}
