/**
 * How an object is laid out as a DynamoDB item, and the 400 KB item limit.
 *
 * Item: `pk` (S) = object type, `sk` (S) = key, `val` (S) = `JSON.stringify(value)`,
 * `ver`, `cre`, `upd` (S) = version and stamps, and `txt` (S) = the lower-cased search
 * text of `searchText()`, or only the lower-cased key when `val` is already lower case, so such
 * values are not stored twice (a query term then matches `val` itself, see listing.ts).
 * None of these names is a DynamoDB reserved word, so expressions use them as they are.
 *
 * @module
 */
import type { DriverRecord } from "../../driver.ts";
import { InvalidInputError } from "../../errors.ts";

/** A DynamoDB item whose attributes are all strings (all this driver writes). */
export type Item = Record<string, { S: string }>;

/** DynamoDB's item size limit (names + values, UTF-8). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** The attributes a read needs (not the search text). */
export const RECORD_PROJECTION = "sk,val,ver,cre,upd";

const encoder = new TextEncoder();

/**
 * Encodes text as UTF-8.
 *
 * @example
 * ```ts
 * utf8("é").length; // 2
 * ```
 */
export const utf8 = (s: string): Uint8Array<ArrayBuffer> => encoder.encode(s);

/**
 * The key attributes of an object.
 *
 * @example
 * ```ts
 * keyOf("Person", "ann"); // { pk: { S: "Person" }, sk: { S: "ann" } }
 * ```
 */
export const keyOf = (type: string, key: string): Item => ({ pk: { S: type }, sk: { S: key } });

/**
 * The item for a record; throws `INVALID_VALUE` above the 400 KB item limit.
 *
 * @example
 * ```ts
 * encodeItem("Person", { key: "ann", value: { age: 3 }, version: "1", created: t, updated: t });
 * ```
 */
export function encodeItem(type: string, record: DriverRecord): Item {
  const val = JSON.stringify(record.value);
  const lower = val.toLowerCase() === val;
  // searchText(key, value), without stringifying the value again
  const item: Item = {
    ...keyOf(type, record.key),
    val: { S: val },
    ver: { S: record.version },
    cre: { S: record.created },
    upd: { S: record.updated },
    txt: { S: (lower ? record.key : `${record.key}\n${val}`).toLowerCase() },
  };
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new InvalidInputError("INVALID_VALUE", `Invalid value of ${type}/${record.key}: the DynamoDB item would be ${size} bytes, above the 400 KB item limit`);
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
  for (const name in item) size += name.length + utf8(item[name]!.S).length;
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
export const decodeItem = (item: Item): DriverRecord => ({
  key: item.sk!.S,
  value: JSON.parse(item.val!.S),
  version: item.ver!.S,
  created: item.cre!.S,
  updated: item.upd!.S,
});
