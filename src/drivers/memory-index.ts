/**
 * The Memory driver's ordered index of one type: entries in key order (code point, compared
 * natively through each entry's `order`, see query.ts `orderKey`) in chunks
 * of at most {@link MAX_CHUNK}, so an insert or delete moves at most one chunk (not O(n)), and a
 * position is found by a binary search over chunks then inside one. New entries wait in a
 * pending set until the next read of the order, so a run of creates costs one sort and merge.
 *
 * @module
 */
import { orderKey } from "../query.ts";
import { firstIndex } from "../select.ts";

/** A chunk splits in two when it grows past this. */
const MAX_CHUNK = 1024;
/** More pending entries than this are merged by a rebuild rather than one by one. */
const MERGE_ONE_BY_ONE = 64;

/** What the index orders: anything with a key and its `orderKey(key)`. */
export interface Keyed {
  readonly key: string;
  readonly order: string;
}

/**
 * Entries in key order.
 *
 * @example
 * ```ts
 * const index = orderedIndex([{ key: "b", order: "b" }, { key: "a", order: "a" }]);
 * index.slice(0, 1); // [{ key: "a", order: "a" }]
 * ```
 */
export interface OrderedIndex<E extends Keyed> extends Iterable<E> {
  readonly size: number;
  /** Inserts `entry`, whose key the index does not hold. */
  add(entry: E): void;
  /** Removes the entry with `key`, if any. */
  delete(key: string): void;
  /** The number of entries whose key is ≤ `key` (the index of the first one after it). */
  countThrough(key: string): number;
  /** Entries [start, end) in key order. */
  slice(start: number, end: number): E[];
  /** Entries from index `start` on, in key order. */
  from(start: number): Iterable<E>;
}

/** Builds an index over `entries` (any order, unique keys). */
export function orderedIndex<E extends Keyed>(entries: Iterable<E>): OrderedIndex<E> {
  let chunks: E[][] = [];
  let size = 0;
  const pending = new Map<string, E>();
  const byOrder = (a: E, b: E) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);

  const rebuild = (all: E[]) => {
    chunks = [];
    for (let i = 0; i < all.length; i += MAX_CHUNK / 2) chunks.push(all.slice(i, i + MAX_CHUNK / 2));
    size = all.length;
  };
  rebuild([...entries].sort(byOrder));

  /** Puts the pending entries in order. */
  const flush = () => {
    if (pending.size === 0) return;
    const added = [...pending.values()].sort(byOrder);
    pending.clear();
    if (added.length <= MERGE_ONE_BY_ONE) {
      for (const entry of added) insert(entry);
      return;
    }
    const merged: E[] = [];
    let j = 0;
    for (const chunk of chunks) {
      for (const entry of chunk) {
        while (j < added.length && added[j]!.order < entry.order) merged.push(added[j++]!);
        merged.push(entry);
      }
    }
    while (j < added.length) merged.push(added[j++]!);
    rebuild(merged);
  };

  const insert = (entry: E) => {
    size++;
    if (chunks.length === 0) return void chunks.push([entry]);
    const [c, at] = find(entry.order, entry.key);
    const chunk = chunks[c]!;
    chunk.splice(at, 0, entry);
    if (chunk.length > MAX_CHUNK) chunks.splice(c, 1, chunk.slice(0, MAX_CHUNK / 2), chunk.slice(MAX_CHUNK / 2));
  };

  /**
   * Where the entry of `key` (whose order is `order`) is or would be, in a non-empty index: its
   * chunk (the first whose last order is ≥ `order`, else the last), the index of the first entry
   * there whose order is ≥ `order`, and whether that entry is the one of `key`.
   */
  const find = (order: string, key: string): [number, number, boolean] => {
    const c = firstIndex(chunks.length - 1, (i) => {
      const chunk = chunks[i]!;
      return chunk[chunk.length - 1]!.order < order;
    });
    const chunk = chunks[c]!;
    const at = firstIndex(chunk.length, (i) => chunk[i]!.order < order);
    return [c, at, chunk[at]?.key === key];
  };

  /** Chunk and offset of global index `start`. */
  const locate = (start: number): [number, number] => {
    start = Math.max(0, start);
    let c = 0;
    while (c < chunks.length && start >= chunks[c]!.length) start -= chunks[c++]!.length;
    return [c, start];
  };

  function* walk(start: number): Generator<E> {
    flush();
    let [c, i] = locate(start);
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  return {
    get size() {
      return size + pending.size;
    },
    add(entry) {
      pending.set(entry.key, entry);
    },
    delete(key) {
      if (pending.delete(key) || chunks.length === 0) return;
      const [c, at, found] = find(orderKey(key), key);
      if (!found) return;
      const chunk = chunks[c]!;
      chunk.splice(at, 1);
      size--;
      if (chunk.length === 0) chunks.splice(c, 1);
    },
    countThrough(key) {
      flush();
      if (chunks.length === 0) return 0;
      const [c, at, found] = find(orderKey(key), key);
      let before = found ? at + 1 : at;
      for (let i = 0; i < c; i++) before += chunks[i]!.length;
      return before;
    },
    slice(start, end) {
      const out: E[] = [];
      for (const entry of walk(start)) {
        if (out.length >= end - start) break;
        out.push(entry);
      }
      return out;
    },
    from: (start) => ({ [Symbol.iterator]: () => walk(start) }),
    [Symbol.iterator]: () => walk(0),
  };
}
