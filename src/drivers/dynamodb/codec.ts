/**
 * How an object is laid out as a DynamoDB item, and the 400 KB item limit.
 *
 * Item: `pk` (S) = object type, `sk` (S) = key, `val` (S) = `JSON.stringify(value)`,
 * `ver`, `cre`, `upd` (S) = version and stamps, `tok` (S) = the id of the commit that wrote it
 * (to recognise our own write after an uncertain retry), and `txt` (S) = the lower-cased search
 * text of `searchText()`. When `val` is already lower case, `txt` holds only the lower-cased key
 * and `lc` marks that `val` is searched as it is, so such values are not stored twice.
 *
 * @module
 */
import type { DriverRecord } from "../../driver.ts";
import { InvalidInputError } from "../../errors.ts";
import { searchText } from "../../query.ts";

/** A DynamoDB item whose attributes are all strings (all this driver writes). */
export type Item = Record<string, { S: string }>;

/** DynamoDB's item size limit (names + values, UTF-8). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Attribute names used in expressions (as `#name`). */
export const NAMES = { "#pk": "pk", "#sk": "sk", "#val": "val", "#ver": "ver", "#cre": "cre", "#upd": "upd", "#txt": "txt", "#lc": "lc" };

/** The attributes a read needs (not the search text or commit token). */
export const RECORD_PROJECTION = "#sk, #val, #ver, #cre, #upd";

const encoder = new TextEncoder();

/**
 * UTF-8 length of a string, without allocating.
 *
 * @example
 * ```ts
 * utf8Length("é😀"); // 6
 * ```
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) (n += 4), i++;
    else n += 3;
  }
  return n;
}

/**
 * The key attributes of an object.
 *
 * @example
 * ```ts
 * keyOf("Person", "ann"); // { pk: { S: "Person" }, sk: { S: "ann" } }
 * ```
 */
export function keyOf(type: string, key: string): Item {
  return { pk: { S: type }, sk: { S: key } };
}

/**
 * The item for a record; throws `INVALID_VALUE` above the 400 KB item limit.
 *
 * @example
 * ```ts
 * encodeItem("Person", { key: "ann", value: { age: 3 }, version: "1", created: t, updated: t }, crypto.randomUUID());
 * ```
 */
export function encodeItem(type: string, record: DriverRecord, token: string): Item {
  const val = JSON.stringify(record.value);
  const item: Item = {
    pk: { S: type },
    sk: { S: record.key },
    val: { S: val },
    ver: { S: record.version },
    cre: { S: record.created },
    upd: { S: record.updated },
    tok: { S: token },
  };
  if (val.toLowerCase() === val) {
    item.txt = { S: record.key.toLowerCase() };
    item.lc = { S: "1" };
  } else {
    item.txt = { S: searchText(record.key, record.value) };
  }
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new InvalidInputError(
      "INVALID_VALUE",
      `Invalid value of ${type}/${record.key}: the DynamoDB item would be ${size} bytes, above the 400 KB (${MAX_ITEM_BYTES} bytes) item limit`,
    );
  }
  return item;
}

/**
 * DynamoDB's size of an item of string attributes (names + values, UTF-8).
 *
 * @example
 * ```ts
 * itemSize({ pk: { S: "T" }, sk: { S: "k" } }); // 6
 * ```
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + utf8Length(item[name]!.S);
  return size;
}

/**
 * The record an item holds.
 *
 * @example
 * ```ts
 * const record = decodeItem(answer.Item);
 * ```
 */
export function decodeItem(item: Record<string, { S?: string }>): DriverRecord {
  return {
    key: item.sk!.S!,
    value: JSON.parse(item.val!.S!),
    version: item.ver!.S!,
    created: item.cre!.S!,
    updated: item.upd!.S!,
  };
}

/**
 * A filter matching items whose search text holds every term (DESIGN §2.3), evaluated by
 * DynamoDB: `contains` on `txt`, or on `val` when `lc` marks it lower case (a term has no
 * white space, so it never spans the key and the value).
 */
export function termsFilter(terms: readonly string[]): { expression: string; values: Record<string, { S: string }> } | undefined {
  if (terms.length === 0) return undefined;
  const values: Record<string, { S: string }> = {};
  const parts = terms.map((term, i) => {
    values[`:t${i}`] = { S: term };
    return `(contains(#txt, :t${i}) OR (attribute_exists(#lc) AND contains(#val, :t${i})))`;
  });
  return { expression: parts.join(" AND "), values };
}

/**
 * Encodes text as UTF-8 (for hashing table names).
 *
 * @example
 * ```ts
 * await crypto.subtle.digest("SHA-256", utf8("Person"));
 * ```
 */
export function utf8(s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s);
}
