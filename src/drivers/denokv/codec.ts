/**
 * How the DenoKV driver lays objects out in Deno KV:
 *
 * - an object: `[prefix, type, key]` → `{ ver, cre, upd, val }`, `val` the UTF-8 bytes of its
 *   JSON (bytes keep the size exact: Deno KV limits a value to 64 KiB of its own encoding);
 * - a value above {@link INLINE_BYTES}: `val` is absent, `id` and `parts` name its chunks at
 *   `[prefix + "/c", type, key, id, i]` (60,000 bytes each), written and removed in the same
 *   atomic operation as the object, under an `id` new for each write, so a reader that sees
 *   chunks of another write knows it raced and reads again;
 * - the number of objects of a type: `[prefix + "/n", type]`, a `Deno.KvU64` that every create
 *   and removal changes with `sum` in its commit (sums never conflict with each other), so an
 *   unfiltered `total` and `types()` read one entry per type.
 *
 * A prefix holds only letters, digits, `_`, `.` and `-`, so `prefix + "/n"` and `prefix + "/c"`
 * never equal another store's prefix.
 *
 * @module
 */
import type { DriverRecord } from "../../driver.ts";
import type { JsonValue } from "../../types.ts";
import type { KvKey } from "./kv.ts";

/** Values whose JSON is at most this many UTF-8 bytes live in the object's own entry. */
export const INLINE_BYTES = 60_000;
/** Bytes per chunk of a larger value. */
export const CHUNK_BYTES = 60_000;

/** What an object's entry holds. */
export interface StoredEntry {
  ver: string;
  cre: string;
  upd: string;
  /** The JSON of the value, when it is inline. */
  val?: Uint8Array;
  /** The write that stored the chunks, and how many there are, when it is not. */
  id?: string;
  parts?: number;
}

/** The keys of one store (one prefix). */
export interface Keys {
  object(type: string, key: string): KvKey;
  /** The prefix of every object of a type. */
  type(type: string): KvKey;
  count(type: string): KvKey;
  /** The prefix of every counter. */
  counts(): KvKey;
  chunks(type: string, key: string, id: string): KvKey;
  chunk(type: string, key: string, id: string, i: number): KvKey;
}

/**
 * The keys under `prefix`.
 *
 * @example
 * ```ts
 * keysOf("objstore").object("Person", "ann"); // ["objstore", "Person", "ann"]
 * ```
 */
export function keysOf(prefix: string): Keys {
  const counts = `${prefix}/n`, chunks = `${prefix}/c`;
  return {
    object: (type, key) => [prefix, type, key],
    type: (type) => [prefix, type],
    count: (type) => [counts, type],
    counts: () => [counts],
    chunks: (type, key, id) => [chunks, type, key, id],
    chunk: (type, key, id, i) => [chunks, type, key, id, i],
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What a put writes: the object's entry and, for a large value, its chunks. */
export interface Encoded {
  entry: StoredEntry;
  chunks: Uint8Array[];
  /** Bytes the put adds to a commit (values; keys are counted by the caller). */
  bytes: number;
}

/**
 * Encodes a record for a put.
 *
 * @example
 * ```ts
 * const { entry, chunks } = encodeRecord(record);
 * ```
 */
export function encodeRecord(record: DriverRecord): Encoded {
  const json = encoder.encode(JSON.stringify(record.value));
  const head = { ver: record.version, cre: record.created, upd: record.updated };
  if (json.length <= INLINE_BYTES) return { entry: { ...head, val: json }, chunks: [], bytes: json.length + 100 };
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < json.length; at += CHUNK_BYTES) chunks.push(json.subarray(at, at + CHUNK_BYTES));
  return { entry: { ...head, id: crypto.randomUUID(), parts: chunks.length }, chunks, bytes: json.length + 100 * (chunks.length + 1) };
}

/**
 * The record of an entry; `chunks` are the value's chunks in order when it has any.
 *
 * @example
 * ```ts
 * const record = decodeRecord("ann", entry);
 * ```
 */
export function decodeRecord(key: string, entry: StoredEntry, chunks?: Uint8Array[]): DriverRecord {
  let bytes = entry.val;
  if (bytes === undefined) {
    const all = new Uint8Array(chunks!.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks!) {
      all.set(chunk, at);
      at += chunk.length;
    }
    bytes = all;
  }
  const value = JSON.parse(decoder.decode(bytes)) as JsonValue;
  return { key, value, version: entry.ver, created: entry.cre, updated: entry.upd };
}
