/**
 * Which of two records of one key is newer, and writes to a copy that never replace a newer
 * record: the rule the Migrating store's mirror and the migration job share.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverRecord, type Expect, type Write } from "../driver.ts";
import { cloneJson } from "../validate.ts";

/**
 * Orders two versions numerically ("10" after "9").
 *
 * @example
 * ```ts
 * compareVersions("10", "9"); // 1
 * ```
 */
export function compareVersions(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * True when `a` is a newer state of its object than `b`: a later incarnation (later `created`:
 * the object was removed and created again), or the same incarnation at a higher version.
 *
 * @example
 * ```ts
 * isNewer({ key: "k", value: 1, version: "3", created: "2024-01-01T00:00:00.000Z", updated: "" },
 *         { key: "k", value: 1, version: "2", created: "2024-01-01T00:00:00.000Z", updated: "" }); // true
 * ```
 */
export function isNewer(a: DriverRecord, b: DriverRecord): boolean {
  if (a.created !== b.created) return a.created > b.created;
  return compareVersions(a.version, b.version) > 0;
}

/** True when both records are the same state of an object (same version and dates). */
export function sameState(a: DriverRecord | undefined, b: DriverRecord | undefined): boolean {
  if (!a || !b) return a === b;
  return a.version === b.version && a.created === b.created && a.updated === b.updated;
}

/** The condition a put of `record` needs so it replaces exactly `current` (absent when undefined). */
export function replacing(current: DriverRecord | undefined): Expect {
  return current ? { version: current.version } : { absent: true };
}

/**
 * Commits `writes` to `target` so that no put ever replaces a record that is as new or newer
 * (see {@link isNewer}); such puts are dropped. Each put starts with the condition it was given
 * (a guess of what `target` holds); when the target's atomic step finds something else, the
 * current record is read and the condition corrected (or the put dropped), and the commit is
 * retried. Deletes and truncates are applied as given. Returns how many puts were dropped.
 *
 * @example
 * ```ts
 * await commitNoOlder(toDriver, [{ op: "put", type: "T", key: "k", expect: { absent: true }, record }]);
 * ```
 */
export async function commitNoOlder(target: Driver, writes: Write[], maxAttempts = 20 + writes.length * 2): Promise<number> {
  let pending = writes.slice();
  let dropped = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    try {
      await target.commit(pending.map(copyWrite));
      return dropped;
    } catch (e) {
      if (!(e instanceof CommitConflict) || attempt + 1 >= maxAttempts) throw e;
      const write = pending[e.index];
      if (!write || write.op !== "put") throw e;
      const current = await target.get(write.type, write.key);
      if (current && !isNewer(write.record, current)) {
        pending = pending.filter((_, i) => i !== e.index);
        dropped++;
      } else {
        pending[e.index] = { ...write, expect: replacing(current) };
      }
    }
  }
  return dropped;
}

/** Drivers own the records they are given: each attempt gets its own copy. */
export function copyWrite(write: Write): Write {
  return write.op === "put" ? { ...write, record: { ...write.record, value: cloneJson(write.record.value) } } : write;
}
