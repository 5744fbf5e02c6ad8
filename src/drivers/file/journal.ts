/**
 * Crash-safe application of a commit's file changes (all under the commit lock).
 *
 * Every file is written to `.objstore/tmp/`, fsynced, then renamed into place and its directory
 * fsynced. One change needs nothing more: a rename or a delete is atomic. Several changes are
 * journalled: their temp files are written and fsynced, then `journal.json` (the list of renames
 * and deletes) is written the same way and renamed into place: that rename is the commit point.
 * Then the changes are applied and the journal deleted. After a crash, {@link recover} (run under
 * the lock when a store opens, and by whoever breaks a dead holder's lock) replays a journal it
 * finds (roll forward: each step is idempotent) and deletes leftover temp files (roll back of a
 * commit that had not reached its commit point).
 *
 * Fencing: every step that cannot be undone (the commit point, a delete, the journal's removal)
 * first asks `owns` whether this process still holds the lock. Before the commit point a lost lock
 * is a {@link LockLostError} (nothing was written; the caller redoes the commit under the lock);
 * after it the commit is durable and whoever holds the lock now rolls it forward, so the stalled
 * process just stops.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { type FileSystem, fsErrorCode } from "../../file-system.ts";
import { dirOf, INTERNAL_DIR, type Layout } from "./layout.ts";
import { LockLostError } from "./lock.ts";

/** Whether this process still holds the commit lock (see lock.ts). */
export type Owns = () => Promise<boolean>;

/** The file changes of one commit; paths are absolute (made by the layout). */
export interface Changes {
  puts: { path: string; text: string }[];
  deletes: string[];
}

/** The journal's contents: paths relative to BaseLocation, so a moved store still recovers. */
interface Journal {
  renames: [from: string, to: string][];
  deletes: string[];
}

/** How many temp files a commit writes at once. */
const PARALLEL_WRITES = 32;

/**
 * Writes `text` to a fresh temp file, fsynced; returns its path.
 *
 * @example
 * ```ts
 * await fs.rename(await writeTemp(fs, layout, text), target);
 * ```
 */
export async function writeTemp(fs: FileSystem, layout: Layout, text: string): Promise<string> {
  const path = `${layout.tmp}/${randomName()}.json`;
  await fs.writeText(path, text, { sync: true });
  return path;
}

/**
 * Applies `changes` atomically and durably (see the module comment). Call under the lock.
 *
 * @example
 * ```ts
 * await applyChanges(fs, layout, { puts: [{ path, text }], deletes: [] });
 * ```
 */
export async function applyChanges(fs: FileSystem, layout: Layout, changes: Changes, owns: Owns): Promise<void> {
  const { puts, deletes } = changes;
  if (puts.length + deletes.length === 0) return;
  if (puts.length === 1 && deletes.length === 0) {
    const temp = await writeTemp(fs, layout, puts[0]!.text);
    await ensureOwned(fs, owns, [temp]);
    await moveInto(fs, temp, puts[0]!.path);
    await fs.syncDir(dirOf(puts[0]!.path));
    return bumpGeneration(fs, layout);
  }
  if (puts.length === 0 && deletes.length === 1) {
    await ensureOwned(fs, owns, []);
    await fs.remove(deletes[0]!);
    await fs.syncDir(dirOf(deletes[0]!));
    return bumpGeneration(fs, layout);
  }
  // Temp files are written and fsynced in parallel batches: the file system can group the flushes.
  const renames: [string, string][] = [];
  for (let i = 0; i < puts.length; i += PARALLEL_WRITES) {
    const batch = puts.slice(i, i + PARALLEL_WRITES);
    const temps = await Promise.all(batch.map((put) => writeTemp(fs, layout, put.text)));
    temps.forEach((temp, j) => renames.push([temp, batch[j]!.path]));
  }
  const relative = (path: string) => path.slice(layout.base.length + 1);
  const journal: Journal = { renames: renames.map(([from, to]) => [relative(from), relative(to)]), deletes: deletes.map(relative) };
  const journalTemp = await writeTemp(fs, layout, JSON.stringify(journal));
  await ensureOwned(fs, owns, [...renames.map(([temp]) => temp), journalTemp]);
  await fs.rename(journalTemp, layout.journal); // the commit point
  await fs.syncDir(layout.internal);
  // From here the commit is durable: a lost lock only means the new holder finishes it.
  if (!(await replay(fs, layout, journal, owns))) return;
  await bumpGeneration(fs, layout); // before the journal goes: a reader sees one or the other
  if (!(await owns())) return;
  await fs.remove(layout.journal);
  await fs.syncDir(layout.internal);
}

/** Throws {@link LockLostError} (deleting `temps`, which nothing references) unless the lock is still ours. */
async function ensureOwned(fs: FileSystem, owns: Owns, temps: string[]): Promise<void> {
  if (await owns()) return;
  await Promise.all(temps.map((temp) => fs.remove(temp).catch(() => false)));
  throw new LockLostError();
}

/**
 * Replaces `.objstore/generation` with a new token (not fsynced: it only tells readers that a
 * commit happened while they read; see `consistent` in driver.ts).
 */
async function bumpGeneration(fs: FileSystem, layout: Layout): Promise<void> {
  const temp = `${layout.tmp}/${randomName()}.json`;
  await fs.writeText(temp, JSON.stringify({ generation: randomName() }));
  await fs.rename(temp, layout.generation);
}

/**
 * Finishes an interrupted commit (if its journal exists) and deletes leftover temp files. Call
 * under the lock.
 *
 * @example
 * ```ts
 * await recover(fs, layout);
 * ```
 */
export async function recover(fs: FileSystem, layout: Layout, owns: Owns): Promise<void> {
  const text = await fs.readText(layout.journal);
  if (text !== undefined) {
    if (!(await replay(fs, layout, parseJournal(text, layout.journal), owns))) throw new LockLostError();
    await bumpGeneration(fs, layout);
    await ensureOwned(fs, owns, []);
    await fs.remove(layout.journal);
    await fs.syncDir(layout.internal);
  }
  for (const name of await fs.readDir(layout.tmp)) {
    await ensureOwned(fs, owns, []); // the temp files of a commit under a newer lock are not ours to delete
    await fs.remove(`${layout.tmp}/${name}`);
  }
}

/**
 * Applies a journal's renames and deletes (each idempotent); false when it stopped because the
 * lock was lost. Renames need no check: a temp file is moved once, by whoever finds it first.
 * A delete does: after a takeover the path may hold a newer object.
 */
async function replay(fs: FileSystem, layout: Layout, journal: Journal, owns: Owns): Promise<boolean> {
  const dirs = new Set<string>();
  for (const [from, to] of journal.renames) {
    const target = `${layout.base}/${to}`;
    // A missing temp file was renamed by an earlier, interrupted replay.
    if (await moveInto(fs, `${layout.base}/${from}`, target, true)) dirs.add(dirOf(target));
  }
  for (const path of journal.deletes) {
    if (!(await owns())) return false;
    const target = `${layout.base}/${path}`;
    await fs.remove(target);
    dirs.add(dirOf(target));
  }
  await Promise.all([...dirs].map((dir) => fs.syncDir(dir)));
  return true;
}

/** Renames `from` to `to`, creating `to`'s directory when missing; false when `from` is gone and `missingOk`. */
async function moveInto(fs: FileSystem, from: string, to: string, missingOk = false): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (error) {
    if (fsErrorCode(error) !== "ENOENT") throw error;
  }
  if ((await fs.stat(from)) === undefined) {
    if (missingOk) return false;
    throw new BackendError("BACKEND_ERROR", `Temp file ${from} vanished before it was renamed`);
  }
  await fs.makeDir(dirOf(to));
  await fs.syncDir(dirOf(dirOf(to)));
  await fs.rename(from, to);
  return true;
}

/** Only paths of the layout's shapes: a journal can never touch anything outside BaseLocation. */
const JOURNAL_PATH = new RegExp(`^(?:[a-z0-9_%~-]+/[a-z0-9_%~-]+\\.json|${INTERNAL_DIR.replace(".", "\\.")}/tmp/[0-9a-f]+\\.json)$`);

function parseJournal(text: string, path: string): Journal {
  try {
    const o = JSON.parse(text) as Journal;
    const ok = Array.isArray(o.renames) && Array.isArray(o.deletes) &&
      o.renames.every((r) => Array.isArray(r) && r.length === 2 && r.every((p) => typeof p === "string" && JOURNAL_PATH.test(p))) &&
      o.deletes.every((p) => typeof p === "string" && JOURNAL_PATH.test(p));
    if (ok) return o;
  } catch {
    // fall through
  }
  throw new BackendError("BACKEND_ERROR", `Damaged commit journal ${path}; remove it by hand to open the store without that commit`);
}

function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
