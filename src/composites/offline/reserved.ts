/**
 * The types the Offline store keeps its own records under in Local. Object types cannot contain
 * `_`, so these never collide with a user's types; Offline hides them from `types()`.
 *
 * @module
 */

/** Outbox entries, keyed by a zero-padded sequence number (replay order). */
export const OUTBOX = "_offline.outbox";
/** Open conflicts, keyed by id. */
export const CONFLICTS = "_offline.conflicts";
/** Replica metadata: `type:<name>` per synced type, `seq` (the outbox counter), `lock`. */
export const META = "_offline.meta";

/**
 * True for a type name only objstore itself uses (it holds `_`).
 *
 * @example
 * ```ts
 * isReserved("_offline.outbox"); // true
 * ```
 */
export function isReserved(type: string): boolean {
  return type.includes("_");
}
