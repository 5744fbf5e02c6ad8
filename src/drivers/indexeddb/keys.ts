/**
 * The IndexedDB layout: one object store, primary key `[type, sortKey(key)]`, so one type is one
 * key range and its keys come back in objstore's documented order (docs/api.md).
 *
 * IndexedDB compares strings by UTF-16 code unit; objstore orders keys by code point (docs/api.md). The two
 * differ only where a surrogate pair (a code point above U+FFFF) meets a unit in U+E000–U+FFFF:
 * by code unit the pair sorts first, by code point last. {@link sortKey} maps code units so that
 * code-unit order of the result is code-point order of the input.
 *
 * @module
 */

import { orderKey } from "../../query.ts";

/** The smallest IndexedDB key above every `[type, string]` key: arrays sort after strings. */
const AFTER_STRINGS: IDBValidKey = [];

/**
 * A string whose code-unit order equals the code-point order of `key`: units U+E000–U+FFFF move
 * down by 0x800 (to U+D800–U+F7FF), surrogates move up by 0x2000 (to U+F800–U+FFFF). A bijection
 * on code units, order-preserving inside each group; keys without such units are unchanged.
 *
 * @example
 * ```ts
 * sortKey("\u{1F600}") > sortKey("\uFFFF"); // true, as U+1F600 > U+FFFF
 * ```
 */
export function sortKey(key: string): string {
  return orderKey(key);
}

/**
 * The primary key of an object.
 *
 * @example
 * ```ts
 * store.get(recordKey("Person", "ann")); // ["Person", "ann"]
 * ```
 */
export function recordKey(type: string, key: string): IDBValidKey {
  return [type, sortKey(key)];
}

/**
 * The key range of every object of `type`, or of those after `afterKey` (exclusive) when given.
 *
 * @example
 * ```ts
 * store.getAll(typeRange(IDBKeyRange, "Person"), 100); // the first 100 people, in key order
 * ```
 */
export function typeRange(keyRange: typeof IDBKeyRange, type: string, afterKey?: string): IDBKeyRange {
  if (afterKey === undefined) return keyRange.bound([type, ""], [type, AFTER_STRINGS]);
  return keyRange.bound(recordKey(type, afterKey), [type, AFTER_STRINGS], true);
}

/**
 * The key to continue a key cursor at to skip the rest of `type`.
 *
 * @example
 * ```ts
 * cursor.continue(pastType("Person")); // on to the first object of the next type
 * ```
 */
export function pastType(type: string): IDBValidKey {
  return [type, AFTER_STRINGS];
}
