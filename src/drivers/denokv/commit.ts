/**
 * Atomic commits on Deno KV: one `atomic()` per commit, with a `check` on the versionstamp of
 * every object the commit writes (as read just before), so the version conditions hold inside
 * Deno KV's atomic step:
 *
 * 1. read every written object (`getMany`, 10 keys a call, in parallel) and, for a truncate,
 *    every object of the type and its counter; a create is not read on the first attempt, since
 *    its check ("no entry") is its condition;
 * 2. check each write's condition against what was read (a failure is a `CommitConflict`);
 * 3. commit the writes, their chunks and the counters' `sum`s, checking that nothing read
 *    has changed; if something has, go back to 1 (the next read decides, so a real conflict is
 *    still reported as one, and a write is never applied twice).
 *
 * A truncate checks its type's counter, which every create and removal changes: an object
 * created or removed meanwhile sends the commit back to 1.
 *
 * Deno KV allows 100 checks, 1,000 mutations and 800 KiB per atomic operation: a commit past
 * them is `TRANSACTION_TOO_LARGE` before anything is sent. (`@deno/kv`, Deno KV's npm build for
 * Node, allows 10 checks: there a commit of more than 10 objects is `TRANSACTION_TOO_LARGE`.) Truncate alone deletes the type in
 * atomic batches of up to 100 objects (not atomic as a whole: an object created meanwhile may
 * survive), like DynamoDB's.
 *
 * @module
 */
import { CommitConflict, type DriverRecord, satisfies, type Write } from "../../driver.ts";
import { BackendError, ObjectStoreError } from "../../errors.ts";
import { encodeRecord, type Keys, type StoredEntry } from "./codec.ts";
import type { KvAtomic, KvDatabase, KvEntryMaybe, KvKey, KvU64Like } from "./kv.ts";

/** Deno KV's limits per atomic operation. */
export const LIMITS = { checks: 100, mutations: 1000, bytes: 819_200 } as const;
/** Checks per atomic operation allowed by `@deno/kv`, the npm build of Deno KV for Node. */
const SMALL_CHECKS = 10;
/** Attempts of a commit whose reads changed before it applied (contention, not conflicts). */
const ATTEMPTS = 50;
const U64 = 2n ** 64n;

const tooLarge = (what: string) =>
  new ObjectStoreError(
    "TRANSACTION_TOO_LARGE",
    `Commit too large for one Deno KV atomic operation: ${what} (at most ${LIMITS.checks} objects, ${LIMITS.mutations} mutations, 800 KiB)`,
  );

const encoder = new TextEncoder();
const keyBytes = (key: KvKey) => key.reduce<number>((n, part) => n + (typeof part === "string" ? encoder.encode(part).length + 2 : 9), 0);

/**
 * Maps an error of Deno KV to an objstore error: its own limits are `TRANSACTION_TOO_LARGE`,
 * anything else `BACKEND_UNAVAILABLE` (the write's outcome is then unknown).
 */
export function kvError(error: unknown, what: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/too (large|many)|TooMany|TooLarge/i.test(message)) return tooLarge(message);
  return new BackendError("BACKEND_UNAVAILABLE", `Deno KV ${what} failed: ${message}`, { cause: error });
}

/** `getMany` in calls of 10 keys (Deno KV's limit), in parallel. */
export async function readMany(kv: KvDatabase, keys: KvKey[]): Promise<KvEntryMaybe[]> {
  const calls: Promise<KvEntryMaybe[]>[] = [];
  for (let at = 0; at < keys.length; at += 10) calls.push(kv.getMany(keys.slice(at, at + 10)));
  return (await Promise.all(calls)).flat();
}

/** {@link readMany} of the keys given; a missing key reads as no entry. */
async function readSome(kv: KvDatabase, keys: (KvKey | undefined)[]): Promise<KvEntryMaybe[]> {
  const wanted = keys.flatMap((key) => (key ? [key] : []));
  const read = wanted.length ? await readMany(kv, wanted) : [];
  let next = 0;
  return keys.map((key) => (key ? read[next++]! : { key: [], value: null, versionstamp: null }));
}

/** A commit being built, with its size checked against the limits as it grows. */
class Builder {
  readonly op: KvAtomic;
  checks = 0;
  mutations = 0;
  bytes = 0;
  constructor(kv: KvDatabase) {
    this.op = kv.atomic();
  }
  check(key: KvKey, versionstamp: string | null): void {
    if (++this.checks > LIMITS.checks) throw tooLarge(`more than ${LIMITS.checks} objects`);
    this.op.check({ key, versionstamp });
  }
  count(key: KvKey, bytes: number): void {
    if (++this.mutations > LIMITS.mutations) throw tooLarge(`more than ${LIMITS.mutations} mutations`);
    this.bytes += keyBytes(key) + bytes;
    if (this.bytes > LIMITS.bytes) throw tooLarge(`${this.bytes} bytes`);
  }
  set(key: KvKey, value: unknown, bytes: number): void {
    this.count(key, bytes);
    this.op.set(key, value);
  }
  delete(key: KvKey): void {
    this.count(key, 0);
    this.op.delete(key);
  }
  /** Deleting an object also deletes its chunks. */
  deleteObject(keys: Keys, type: string, key: string, entry: StoredEntry | null): void {
    this.delete(keys.object(type, key));
    if (entry?.id) for (let i = 0; i < entry.parts!; i++) this.delete(keys.chunk(type, key, entry.id, i));
  }
  sum(key: KvKey, delta: number): void {
    if (delta === 0) return;
    this.count(key, 8);
    this.op.sum(key, ((BigInt(delta) % U64) + U64) % U64);
  }
}

interface Listed {
  key: string;
  entry: StoredEntry;
  versionstamp: string;
}

async function listType(kv: KvDatabase, keys: Keys, type: string, limit?: number): Promise<Listed[]> {
  const out: Listed[] = [];
  for await (const e of kv.list({ prefix: keys.type(type) }, { limit, batchSize: 500 })) {
    out.push({ key: e.key[2] as string, entry: e.value as StoredEntry, versionstamp: e.versionstamp! });
  }
  return out;
}

/**
 * Applies `writes` atomically (see the module docs).
 *
 * @example
 * ```ts
 * await commitWrites(kv, keysOf("objstore"), [{ op: "delete", type: "T", key: "k", expect: { version: "3" } }]);
 * ```
 */
export async function commitWrites(kv: KvDatabase, keys: Keys, writes: Write[]): Promise<void> {
  const truncated = [...new Set(writes.flatMap((w) => (w.op === "truncate" ? [w.type] : [])))];
  const keyed = writes.flatMap((write, index) => (write.op === "truncate" ? [] : [{ write, index }]));
  if (keyed.length === 0) {
    for (const type of truncated) await truncateAlone(kv, keys, type);
    return;
  }
  if (keyed.length > LIMITS.checks) throw tooLarge(`${keyed.length} objects`);
  // Encode once: the size checks and the chunk ids do not change between attempts.
  const encoded = keyed.map(({ write }) => (write.op === "put" ? encodeRecord(write.record) : undefined));
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // A create's condition is the check "no entry" itself: on the first attempt it needs no
    // read (a failed check sends the commit back here, and the read then decides).
    const blind = keyed.map(({ write }) => attempt === 0 && "absent" in write.expect && !truncated.includes(write.type));
    const [found, counters, listings] = await Promise.all([
      readSome(kv, keyed.map(({ write }, i) => (blind[i] ? undefined : keys.object(write.type, write.key)))),
      readMany(kv, truncated.map((type) => keys.count(type))),
      Promise.all(truncated.map((type) => listType(kv, keys, type))),
    ]);
    const b = new Builder(kv);
    const delta = new Map<string, number>();
    const add = (type: string, n: number) => delta.set(type, (delta.get(type) ?? 0) + n);
    const written = new Set<string>();
    keyed.forEach(({ write, index }, i) => {
      const entry = found[i]!.value as StoredEntry | null;
      const emptied = truncated.includes(write.type);
      const current = emptied ? undefined : entry?.ver;
      if (!satisfies(write.expect, current)) throw new CommitConflict(index, current);
      b.check(keys.object(write.type, write.key), found[i]!.versionstamp);
      written.add(`${write.type}\n${write.key}`);
      const put = encoded[i];
      if (entry && (put === undefined || entry.id)) b.deleteObject(keys, write.type, write.key, entry);
      if (put) {
        b.set(keys.object(write.type, write.key), put.entry, put.bytes);
        put.chunks.forEach((chunk, n) => b.set(keys.chunk(write.type, write.key, put.entry.id!, n), chunk, chunk.length));
      }
      // A truncated type's counter is set from scratch below.
      if (!emptied) add(write.type, (put ? 1 : 0) - (entry ? 1 : 0));
    });
    truncated.forEach((type, t) => {
      b.check(keys.count(type), counters[t]!.versionstamp);
      const before = counters[t]!.value ? Number((counters[t]!.value as KvU64Like).value) : 0;
      for (const listed of listings[t]!) {
        if (!written.has(`${type}\n${listed.key}`)) b.deleteObject(keys, type, listed.key, listed.entry);
      }
      const puts = keyed.filter(({ write }) => write.type === type && write.op === "put").length;
      add(type, puts - before);
    });
    for (const [type, n] of delta) b.sum(keys.count(type), n);
    if (await tryCommit(b, "commit")) return;
    await pause(attempt);
  }
  throw new BackendError("BACKEND_UNAVAILABLE", `Deno KV commit: the objects kept changing during ${ATTEMPTS} attempts; nothing was written`);
}

/**
 * A versioned save: the object at `version` becomes `record`, keeping its `created`, which it
 * returns. One `get` and one atomic operation checking the versionstamp read; a
 * `CommitConflict(0, current)` when the object is not at `version`.
 *
 * @example
 * ```ts
 * const created = await replaceObject(kv, keysOf("objstore"), "T", "k", "3", record);
 * ```
 */
export async function replaceObject(
  kv: KvDatabase,
  keys: Keys,
  type: string,
  key: string,
  version: string,
  record: Omit<DriverRecord, "created">,
): Promise<string> {
  const at = keys.object(type, key);
  let encoded: ReturnType<typeof encodeRecord> | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let found: KvEntryMaybe;
    try {
      found = await kv.get(at);
    } catch (error) {
      throw kvError(error, "replace");
    }
    const entry = found.value as StoredEntry | null;
    if (entry?.ver !== version) throw new CommitConflict(0, entry?.ver);
    encoded ??= encodeRecord({ ...record, created: entry.cre });
    const b = new Builder(kv);
    b.check(at, found.versionstamp);
    if (entry.id) b.deleteObject(keys, type, key, entry);
    b.set(at, encoded.entry, encoded.bytes);
    encoded.chunks.forEach((chunk, n) => b.set(keys.chunk(type, key, encoded!.entry.id!, n), chunk, chunk.length));
    if (await tryCommit(b, "replace")) return entry.cre;
    encoded = undefined; // the created stamp read may change with the next read
    await pause(attempt);
  }
  throw new BackendError("BACKEND_UNAVAILABLE", `Deno KV replace of ${type}/${key}: the object kept changing during ${ATTEMPTS} attempts; nothing was written`);
}

/** Empties a type in atomic batches of at most 100 objects. */
async function truncateAlone(kv: KvDatabase, keys: Keys, type: string): Promise<void> {
  let size: number = LIMITS.checks;
  for (let attempt = 0; attempt < ATTEMPTS;) {
    const batch = await listType(kv, keys, type, size);
    if (batch.length === 0) return;
    const b = new Builder(kv);
    let n = 0;
    for (const listed of batch) {
      const chunks = listed.entry.id ? listed.entry.parts! : 0;
      if (b.mutations + chunks + 2 > LIMITS.mutations) break;
      b.check(keys.object(type, listed.key), listed.versionstamp);
      b.deleteObject(keys, type, listed.key, listed.entry);
      n++;
    }
    b.sum(keys.count(type), -n);
    try {
      if (!(await tryCommit(b, "truncate"))) await pause(attempt++);
    } catch (error) {
      // @deno/kv (Deno KV on Node) allows 10 checks per atomic operation, not 100.
      if (!(error instanceof ObjectStoreError && error.code === "TRANSACTION_TOO_LARGE" && size > SMALL_CHECKS)) throw error;
      size = SMALL_CHECKS;
    }
  }
  throw new BackendError("BACKEND_UNAVAILABLE", `Deno KV truncate of ${type}: the objects kept changing during ${ATTEMPTS} attempts`);
}

/**
 * Commits; false when a check failed or the database was busy (another process writing to the
 * same file: SQLite's lock, which Deno KV reports as "database is locked"), both of which
 * applied nothing and are tried again.
 */
async function tryCommit(b: Builder, what: string): Promise<boolean> {
  try {
    return (await b.op.commit()).ok;
  } catch (error) {
    if (/database is locked|SQLITE_BUSY/i.test(error instanceof Error ? error.message : "")) return false;
    throw kvError(error, what);
  }
}

/** A short random pause before trying a contended commit again. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
