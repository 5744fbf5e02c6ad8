/**
 * How the Migrating store mirrors a commit to `To` so that `To` ends equal to `From`, even
 * with several processes writing the same objects through their own Migrating stores.
 *
 * A process's own mirrors run in order (mirror-order.ts), but another process's mirror of an
 * older state can reach `To` after ours. So a mirror does not trust the records it was given:
 *
 * 1. it first commits them to `To` in one step, conditioned on `To` being in step (one round trip
 *    and atomic in `To` like the `From` commit, the common case);
 * 2. then, per object, it reads `To` and after that `From`, and when they differ writes what
 *    `From` holds, conditioned on what it read in `To`; and repeats until it reads them equal.
 *
 * Reading `To` before `From` makes every mirror move `To` forward: what any mirror wrote to `To`
 * was read from `From` before, so the `From` read that follows sees that state or a newer one.
 * A mirror ends only when it has seen `To` equal to `From`, and every write to `To` is followed
 * by such a check by its writer, so after the last commit `To` equals `From`. This needs no
 * clock: `created` stamps of different processes do not follow their commit order (a stamp is
 * taken before the commit), so "a later `created` is newer" is not used here; `From` decides.
 *
 * @module
 */
import { CommitConflict, type Driver, type Write } from "../driver.ts";
import { copyWrite, replacing, sameState } from "./order.ts";

/** Rounds of read-and-correct per object before the mirror gives up (and is reported). */
const ROUNDS = 20;

/**
 * Mirrors the writes of a `From` commit to `To` (see the module docs); throws when `To` fails,
 * or keeps changing for {@link ROUNDS} rounds.
 *
 * @example
 * ```ts
 * await mirrorCommit(from, to, [{ op: "put", type: "T", key: "k", expect: { absent: true }, record }]);
 * ```
 */
export async function mirrorCommit(from: Driver, to: Driver, writes: Write[]): Promise<void> {
  try {
    await to.commit(writes.map(copyWrite));
  } catch (e) {
    if (!(e instanceof CommitConflict)) throw e;
  }
  const objects = new Map<string, [string, string]>();
  for (const w of writes) {
    if (w.op !== "truncate") objects.set(`${w.type}\n${w.key}`, [w.type, w.key]);
    else {
      // Another process may have created objects of the type meanwhile: check both sides.
      for (const driver of [to, from]) for await (const r of driver.scan(w.type, [])) objects.set(`${w.type}\n${r.key}`, [w.type, r.key]);
    }
  }
  await Promise.all([...objects.values()].map(([type, key]) => syncObject(from, to, type, key)));
}

/** Makes `To`'s object equal to `From`'s: read `To`, then `From`, correct, repeat until equal. */
async function syncObject(from: Driver, to: Driver, type: string, key: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const held = await to.get(type, key);
    const truth = await from.get(type, key);
    if (sameState(held, truth)) return;
    const expect = replacing(held);
    try {
      await to.commit([truth ? { op: "put", type, key, expect, record: truth } : { op: "delete", type, key, expect }]);
    } catch (e) {
      if (!(e instanceof CommitConflict)) throw e;
    }
  }
  throw new Error(`The mirror of ${type}/${key} gave up: To kept changing for ${ROUNDS} rounds`);
}
