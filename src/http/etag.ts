/**
 * Entity tags (RFC 9110 §8.8.3) of stored objects: `"<version>.<created as base36 ms>"`, unique
 * per object incarnation, and the `If-Match` / `If-None-Match` comparisons.
 *
 * @module
 */
import { InvalidInputError } from "../errors.ts";

/** The part of a stored object its tag is made of. */
export interface Tagged {
  version: string;
  created: string;
}

/**
 * The strong ETag of an object: its version and its `created` time (base36 milliseconds), so
 * an object removed and created again never repeats an earlier tag.
 *
 * @example
 * ```ts
 * etag({ version: "3", created: "2026-01-01T00:00:00.000Z" }); // "\"3.mjuo4sw0\""
 * ```
 */
export function etag(object: Tagged): string {
  // Writes close in time share `created` (to the ms): the last one's base36 is kept (Date.parse costs ~1 µs).
  if (object.created !== lastCreated) lastTime = Date.parse((lastCreated = object.created)).toString(36);
  return `"${object.version}.${lastTime}"`;
}
let lastCreated = "";
let lastTime = "";

/** One entity tag of a header: its opaque text and whether it was weak (`W/`). */
export interface EntityTag {
  tag: string;
  weak: boolean;
}

/**
 * The tags of an `If-Match` / `If-None-Match` header: `"*"`, a list, or none when absent.
 * Malformed headers are `INVALID_ARGUMENT`; a tag without quotes is taken as quoted.
 *
 * @example
 * ```ts
 * entityTags('"1.abc", W/"2"', "If-None-Match"); // [{ tag: "1.abc", weak: false }, { tag: "2", weak: true }]
 * ```
 */
export function entityTags(header: string | undefined | null, name: string): "*" | EntityTag[] | undefined {
  if (header === undefined || header === null) return undefined;
  const text = header.trim();
  if (text === "*") return "*";
  const tags: EntityTag[] = [];
  for (const part of text.split(",")) {
    const match = /^\s*(W\/)?(?:"([^"]*)"|([^\s",]+))\s*$/.exec(part);
    const tag = match?.[2] ?? match?.[3];
    if (!tag) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid ${name}: expected "*" or entity tags like "3.mjuo4sw0"`);
    tags.push({ tag, weak: match![1] !== undefined });
  }
  return tags;
}

/**
 * `If-Match` (strong comparison): a strong tag equal to the object's ETag, or a strong bare
 * `"<version>"` (the version alone, for clients that keep only versions). Weak tags never match.
 *
 * @example
 * ```ts
 * strongMatch([{ tag: "3", weak: false }], { version: "3", created: "2026-01-01T00:00:00.000Z" }); // true
 * ```
 */
export function strongMatch(tags: EntityTag[], object: Tagged): boolean {
  const full = etag(object).slice(1, -1);
  return tags.some((t) => !t.weak && (t.tag === full || t.tag === object.version));
}

/**
 * `If-None-Match` (weak comparison, RFC 9110 §13.1.2): any tag, weak or not, whose text is the
 * object's ETag. A bare version does not match (it may name another incarnation).
 *
 * @example
 * ```ts
 * weakMatch([{ tag: "3.mjuo4sw0", weak: true }], { version: "3", created: "2026-01-01T00:00:00.000Z" }); // true
 * ```
 */
export function weakMatch(tags: EntityTag[], object: Tagged): boolean {
  const full = etag(object).slice(1, -1);
  return tags.some((t) => t.tag === full);
}

/** What an `If-Match` asks of a write: any object (`"*"`), a version (with the full tag when given), or nothing can match. */
export type WriteCondition = "*" | { version: string; tag?: string } | "never";

/**
 * The condition an `If-Match` header puts on a write: `"*"`; the version of a
 * `"<version>.<created>"` tag (kept whole, to check the incarnation) or of a bare
 * `"<version>"`; `"never"` for a weak tag or one this API never sends (strong comparison:
 * 412). Exactly one tag.
 *
 * @example
 * ```ts
 * writeCondition('"3.mjuo4sw0"'); // { version: "3", tag: "3.mjuo4sw0" }
 * ```
 */
export function writeCondition(header: string | undefined | null): WriteCondition | undefined {
  const tags = entityTags(header, "If-Match");
  if (tags === undefined || tags === "*") return tags;
  if (tags.length !== 1) throw new InvalidInputError("INVALID_ARGUMENT", "Invalid If-Match: a write takes exactly one entity tag");
  const { tag, weak } = tags[0]!;
  const match = /^([1-9][0-9]{0,15})(\.[0-9a-z]+)?$/.exec(tag);
  if (weak || !match) return "never";
  return match[2] ? { version: match[1]!, tag } : { version: match[1]! };
}
