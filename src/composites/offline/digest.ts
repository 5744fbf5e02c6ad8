/**
 * The key-set digest both ends of a sync compute, so a re-sync finds removed (or otherwise
 * changed but not re-stamped) objects without downloading the type: records are spread over
 * {@link BUCKETS} buckets by key, and each bucket sums two 32-bit hashes of `key` + `version`.
 * Equal buckets hold the same `(key, version)` set (up to a 2^-64 chance); only the keys of
 * unequal buckets are compared.
 *
 * @module
 */

/** Buckets of a digest. */
export const BUCKETS = 64;

/** Sums of hashes, per bucket, as the digest is built. */
export interface DigestBuilder {
  add(key: string, version: string): void;
  /** The finished digest: one 16-hex-digit string per bucket. */
  done(): string[];
}

/**
 * A digest of `(key, version)` pairs, in any order.
 *
 * @example
 * ```ts
 * const d = digestBuilder();
 * d.add("ann", "3");
 * d.done().length; // 64
 * ```
 */
export function digestBuilder(): DigestBuilder {
  const low = new Uint32Array(BUCKETS);
  const high = new Uint32Array(BUCKETS);
  return {
    add(key, version) {
      const b = bucketOf(key);
      const text = `${key}\u0000${version}`;
      low[b] = (low[b]! + fnv(text, 0x811c9dc5)) >>> 0;
      high[b] = (high[b]! + fnv(text, 0x01000193)) >>> 0;
    },
    done: () => Array.from(low, (l, i) => high[i]!.toString(16).padStart(8, "0") + l.toString(16).padStart(8, "0")),
  };
}

/**
 * The bucket of a key.
 *
 * @example
 * ```ts
 * bucketOf("ann"); // a number in [0, 64)
 * ```
 */
export function bucketOf(key: string): number {
  return fnv(key, 0x811c9dc5) % BUCKETS;
}

/** FNV-1a over UTF-16 code units, 32 bits. */
function fnv(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
