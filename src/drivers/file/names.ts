/**
 * File names for object types (directories) and keys (files). The encoding keeps `a-z`, `0-9`
 * and `-`, writes an upper-case ASCII letter as `_` plus its lower-case form, and every other
 * character as `%xx` per UTF-8 byte (lower-case hex). So a name:
 * - holds only `[a-z0-9_%-]`: no `/`, `\`, `.`, `:`, control characters or spaces, so it can
 *   never be `.`/`..`, a path, or end in a dot or space;
 * - is all lower case, and the encoding is injective, so two types or keys never share a file
 *   even on a case-insensitive file system (macOS, Windows);
 * - never is a Windows device name (`con`, `nul`, `com1`, ...): its first letter is escaped;
 * - decodes back to the type or key, so listings know keys without opening files.
 * A name longer than {@link MAX_STEM} bytes becomes `<encoded prefix>~<128-bit SHA-256 hex>`
 * (`~` never occurs otherwise); such a name gives only a prefix, and the full key is read from
 * the file, which always holds it.
 *
 * @module
 */

/** Longest encoded name kept whole; with ".json" it stays under the 255-byte name limit. */
export const MAX_STEM = 240;
/** Longest encoded prefix of a hashed name (plus "~" and 32 hex digits). */
const MAX_PREFIX = 200;
/** The suffix of object files. */
export const OBJECT_SUFFIX = ".json";

const encoder = new TextEncoder();
// ignoreBOM: a name that starts with U+FEFF keeps it (the default would strip it, hiding the object).
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
const HEX = "0123456789abcdef";
const SIMPLE = /^(?:[a-z0-9-]|_[a-z])*$/;
const PLAIN = /^[a-z0-9-]+$/;
const UPPER = /_[a-z]/g;

function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) return ch;
  if (c >= 0x41 && c <= 0x5a) return "_" + String.fromCharCode(c + 0x20);
  let out = "";
  for (const b of encoder.encode(ch)) out += "%" + HEX[b >> 4] + HEX[b & 15];
  return out;
}

/** The escaped form of `text` (no device-name rule, no length limit). */
function escapeText(text: string): string {
  let out = "";
  for (const ch of text) out += escapeChar(ch);
  return out;
}

function avoidDevice(stem: string): string {
  return DEVICE.test(stem) ? "%" + stem.charCodeAt(0).toString(16) + stem.slice(1) : stem;
}

/**
 * The file-name stem of a type or key: the escaped text, or a prefix plus a hash when too long.
 *
 * @example
 * ```ts
 * await nameOf("Person/../x"); // "_person%2f%2e%2e%2fx"
 * ```
 */
export async function nameOf(text: string): Promise<string> {
  const escaped = avoidDevice(escapeText(text));
  if (escaped.length <= MAX_STEM) return escaped;
  let prefix = "";
  for (const ch of text) {
    const next = escapeChar(ch);
    if (prefix.length + next.length > MAX_PREFIX) break;
    prefix += next;
  }
  return `${prefix}~${await hashHex(text)}`;
}

async function hashHex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let out = "";
  for (let i = 0; i < 16; i++) out += HEX[digest[i]! >> 4]! + HEX[digest[i]! & 15]!;
  return out;
}

/**
 * True when `stem` is a whole name made only of `a-z`, `0-9` and `-`: it is its own key.
 *
 * @example
 * ```ts
 * isPlainName("item-7"); // true; isPlainName("_item") is false (decode it)
 * ```
 */
export function isPlainName(stem: string): boolean {
  return PLAIN.test(stem) && stem.length <= MAX_STEM && !DEVICE.test(stem);
}

/** What a name says about its type or key: all of it, or (hashed names) only a prefix. */
export type DecodedName = { complete: true; text: string } | { complete: false; prefix: string };

/**
 * Decodes a stem made by {@link nameOf}; `undefined` for anything else (files a person put
 * there, leftovers), which the driver ignores.
 *
 * @example
 * ```ts
 * decodeName("_person"); // { complete: true, text: "Person" }
 * ```
 */
export function decodeName(stem: string): DecodedName | undefined {
  // Fast path: letters, digits and "-" only (most keys), canonical unless a device name.
  if (SIMPLE.test(stem)) {
    if (stem.length > MAX_STEM || DEVICE.test(stem)) return undefined;
    return { complete: true, text: stem.includes("_") ? stem.replace(UPPER, (m) => m[1]!.toUpperCase()) : stem };
  }
  const tilde = stem.indexOf("~");
  if (tilde === -1) {
    const text = unescapeText(stem);
    if (text === undefined || stem.length > MAX_STEM || avoidDevice(escapeText(text)) !== stem) return undefined;
    return { complete: true, text };
  }
  const hash = stem.slice(tilde + 1);
  if (!/^[0-9a-f]{32}$/.test(hash) || tilde > MAX_PREFIX) return undefined;
  const prefix = unescapeText(stem.slice(0, tilde));
  if (prefix === undefined || escapeText(prefix) !== stem.slice(0, tilde)) return undefined;
  return { complete: false, prefix };
}

function unescapeText(stem: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < stem.length; i++) {
    const c = stem.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) bytes.push(c);
    else if (c === 0x5f) {
      const next = stem.charCodeAt(++i);
      if (!(next >= 0x61 && next <= 0x7a)) return undefined;
      bytes.push(next - 0x20);
    } else if (c === 0x25) {
      const hex = stem.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else return undefined;
  }
  try {
    return strictDecoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
