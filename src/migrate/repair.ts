/**
 * Making one object in To equal to From, with the checks that keep a concurrent live write
 * from being lost or a removed object from coming back.
 *
 * @module
 */
import { CommitConflict, type Driver } from "../driver.ts";
import { isNewer, replacing, sameState } from "../composites/order.ts";

/**
 * What a repair did. `newer`: To kept holding a newer state than From (left alone: pass
 * `preferFrom` to replace it); `unresolved`: the object kept changing.
 */
export type RepairOutcome = "same" | "written" | "removed" | "newer" | "unresolved";

/** Options of {@link repairKey}. */
export interface RepairOptions {
  /** Replace a state in To that is newer than From's with From's. @default false */
  preferFrom?: boolean;
}

/**
 * Brings `type/key` in `to` to the state it has in `from`. Every write is conditional on what
 * `to` was seen to hold (checked in To's atomic step), never replaces a newer state, and is
 * followed by reading both again: it ends only when From, read first, equals To, read after.
 * So a remove that reaches From while this runs can never be undone by it. A state in To newer
 * than From's is kept (outcome `newer`) unless `preferFrom`.
 *
 * @example
 * ```ts
 * await repairKey(fromDriver, toDriver, "Person", "ann"); // "written"
 * ```
 */
export async function repairKey(from: Driver, to: Driver, type: string, key: string, attempts = 8, options: RepairOptions = {}): Promise<RepairOutcome> {
  let outcome: RepairOutcome = "same";
  let newer = false;
  for (let i = 0; i < attempts; i++) {
    const source = await from.get(type, key);
    const target = await to.get(type, key);
    if (sameState(source, target)) return outcome;
    newer = false;
    try {
      if (!source) {
        await to.commit([{ op: "delete", type, key, expect: { version: target!.version } }]);
        outcome = "removed";
      } else if (target && isNewer(target, source) && !options.preferFrom) {
        // To is ahead of what we read from From: a live write may have landed in between. Read again.
        newer = true;
        continue;
      } else {
        await to.commit([{ op: "put", type, key, expect: replacing(target), record: source }]);
        outcome = "written";
      }
    } catch (e) {
      if (!(e instanceof CommitConflict)) throw e;
    }
  }
  return newer ? "newer" : "unresolved";
}
