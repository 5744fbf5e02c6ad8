/**
 * The part of the Deno KV API the DenoKV driver uses, as structural types, so `src/` never
 * names the `Deno` global: `Deno.openKv()` on Deno (and Deno Deploy) and `openKv()` of the
 * npm package `@deno/kv` on Node return objects of this shape.
 *
 * @module
 */

/** A Deno KV key: an array of parts (the driver uses strings and numbers only). */
export type KvKey = readonly (string | number | bigint | boolean | Uint8Array)[];

/** One entry read from the database; `versionstamp` is `null` when the key holds nothing. */
export interface KvEntryMaybe<T = unknown> {
  key: KvKey;
  value: T | null;
  versionstamp: string | null;
}

/** A 64-bit unsigned counter value (`Deno.KvU64`). */
export interface KvU64Like {
  readonly value: bigint;
}

/** An atomic operation being built (`Deno.AtomicOperation`). */
export interface KvAtomic {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomic;
  set(key: KvKey, value: unknown): KvAtomic;
  delete(key: KvKey): KvAtomic;
  sum(key: KvKey, n: bigint): KvAtomic;
  commit(): Promise<{ ok: boolean }>;
}

/** A selector of `list`: a prefix, optionally starting at a key. */
export type KvSelector = { prefix: KvKey; start?: KvKey } | { start: KvKey; end: KvKey };

/** An open Deno KV database (`Deno.Kv`). */
export interface KvDatabase {
  /** The entry at `key` (value `null` when none). */
  get(key: KvKey): Promise<KvEntryMaybe>;
  /** The entries at `keys`, in order, read consistently. */
  getMany(keys: KvKey[]): Promise<KvEntryMaybe[]>;
  /** The entries under a prefix or in a range, in key order. */
  list(selector: KvSelector, options?: { limit?: number; batchSize?: number; reverse?: boolean }): AsyncIterable<KvEntryMaybe>;
  /** Starts an atomic operation (checks, then writes all or none). */
  atomic(): KvAtomic;
  /** Closes the database. */
  close(): void;
}

/**
 * Opens a database: `Deno.openKv` (no path: the default database; on Deno Deploy the app's
 * own) or `openKv` of `@deno/kv`. `@objstore/objstore/deno` injects `Deno.openKv`.
 */
export type OpenKv = (path?: string) => Promise<KvDatabase>;
