/**
 * Bringing Local up to date with Main, one type at a time: with Main's change feed where it
 * has one (records updated since the last sync, plus a key-set digest that finds removals), or
 * else a key-ordered walk of both sides comparing versions. Each batch is read from Main and
 * applied to Local inside `exclusive`, so a write that goes through the Offline store at the
 * same time is either already in the batch or applied after it.
 *
 * @module
 */
import type { Driver, DriverRecord, PageRequest, Write } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import { compareCodePoints } from "../../query.ts";
import { sameState } from "../order.ts";
import { bucketOf, digestBuilder } from "./digest.ts";
import type { ChangesSource } from "./types.ts";

/** What a pull needs. */
export interface PullContext {
  main: Driver;
  local: Driver;
  /** Main's change feed, when it has one. */
  changes?: ChangesSource;
  /** Runs `fn` while no write of this store is being applied to Local. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** Records per batch. */
const BATCH = 500;
/**
 * How far before the last watermark the next pull starts: a commit stamped just before Main
 * answered may become visible just after, and clocks of several Main servers differ a little.
 */
const OVERLAP_MS = 5_000;

/** Thrown by a change feed that Main does not have (an older server): pull by walking instead. */
export class ChangesUnsupported extends Error {
  constructor() {
    super("Main has no change feed");
    this.name = "ChangesUnsupported";
  }
}

/**
 * Makes Local's `type` equal Main's. Returns the watermark for the next pull (`undefined` when
 * Main has no change feed).
 *
 * @example
 * ```ts
 * const since = await pullType(ctx, "Note", previousSince);
 * ```
 */
export async function pullType(ctx: PullContext, type: string, since: string | undefined): Promise<string | undefined> {
  if (ctx.changes) {
    try {
      return await pullChanges(ctx, ctx.changes, type, since);
    } catch (e) {
      if (!(e instanceof ChangesUnsupported)) throw e;
    }
  }
  await pullWalk(ctx, type);
  return undefined;
}

async function pullChanges(ctx: PullContext, feed: ChangesSource, type: string, since: string | undefined): Promise<string> {
  const from = since === undefined ? undefined : new Date(Date.parse(since) - OVERLAP_MS).toISOString();
  const seen = new Set<string>();
  let at: string | undefined;
  let digest: string[] | undefined;
  let after: string | undefined;
  do {
    await ctx.exclusive(async () => {
      const answer = await feed.changes({ type, since: from, after, limit: BATCH });
      at ??= answer.at;
      digest ??= answer.digest;
      for (const r of answer.changed) seen.add(r.key);
      await commitBatches(ctx.local, answer.changed.map((record) => put(type, record)));
      after = answer.next;
    });
  } while (after !== undefined);

  await ctx.exclusive(async () => {
    // What Local holds besides the changed records must equal what Main holds besides them.
    const mine = new Map<string, DriverRecord>();
    const local = digestBuilder();
    for await (const r of ctx.local.scan(type, [])) {
      if (seen.has(r.key)) continue;
      mine.set(r.key, r);
      local.add(r.key, r.version);
    }
    if (from === undefined || !digest) {
      // A first pull saw every record Main had: what else Local has is gone there, unless it
      // was written through this store after its batch was read (asked again, one by one).
      const writes: Write[] = [];
      for (const key of mine.keys()) {
        const record = await ctx.main.get(type, key);
        writes.push(record ? put(type, record) : remove(type, key));
      }
      await commitBatches(ctx.local, writes);
      return;
    }
    const ours = local.done();
    const differing = digest.map((d, i) => (d === ours[i] ? -1 : i)).filter((i) => i >= 0);
    if (differing.length === 0) return;
    const answer = await feed.changes({ type, since: from, versionsOf: differing });
    const theirs = new Map(answer.versions ?? []);
    const buckets = new Set(differing);
    const writes: Write[] = [];
    for (const [key, r] of mine) {
      if (buckets.has(bucketOf(key)) && !theirs.has(key)) writes.push(remove(type, key));
    }
    for (const [key, version] of theirs) {
      if (mine.get(key)?.version === version) continue;
      const record = await ctx.main.get(type, key);
      if (record) writes.push(put(type, record));
    }
    await commitBatches(ctx.local, writes);
  });
  return at!;
}

/** Walks both sides in key order, a batch of Main at a time, fixing every difference. */
async function pullWalk(ctx: PullContext, type: string): Promise<void> {
  let after: string | undefined;
  for (let done = false; !done;) {
    await ctx.exclusive(async () => {
      const theirs = (await ctx.main.page(type, request(after, BATCH))).items;
      done = theirs.length < BATCH;
      const last = done ? undefined : theirs[theirs.length - 1]!.key;
      const mine = await localBetween(ctx.local, type, after, last);
      const byKey = new Map(mine.map((r) => [r.key, r]));
      const writes: Write[] = [];
      for (const r of theirs) {
        const current = byKey.get(r.key);
        byKey.delete(r.key);
        if (!current || !sameState(current, r) || JSON.stringify(current.value) !== JSON.stringify(r.value)) writes.push(put(type, r));
      }
      for (const key of byKey.keys()) writes.push(remove(type, key));
      await commitBatches(ctx.local, writes);
      after = last;
    });
  }
}

/** Local's records with keys in (after, upTo] (to the end without `upTo`). */
async function localBetween(local: Driver, type: string, after: string | undefined, upTo: string | undefined): Promise<DriverRecord[]> {
  const out: DriverRecord[] = [];
  for (let from = after; ;) {
    const { items } = await local.page(type, request(from, BATCH));
    for (const r of items) {
      if (upTo !== undefined && compareCodePoints(r.key, upTo) > 0) return out;
      out.push(r);
    }
    if (items.length < BATCH) return out;
    from = items[items.length - 1]!.key;
  }
}

function request(after: string | undefined, limit: number): PageRequest {
  const r: PageRequest = { terms: [], sort: [], offset: 0, limit, count: false };
  if (after !== undefined) r.after = { key: after, values: [] };
  return r;
}

function put(type: string, record: DriverRecord): Write {
  return { op: "put", type, key: record.key, expect: { any: true }, record };
}

function remove(type: string, key: string): Write {
  return { op: "delete", type, key, expect: { any: true } };
}

/** Applies Main's state to Local unconditionally (nothing else writes Local meanwhile). */
async function commitBatches(local: Driver, writes: Write[]): Promise<void> {
  for (let i = 0; i < writes.length; i += BATCH) await local.commit(writes.slice(i, i + BATCH));
}

/** True for the errors that mean Main cannot be reached now (retry later). */
export function isUnavailable(e: unknown): boolean {
  return e instanceof ObjectStoreError && e.code === "BACKEND_UNAVAILABLE";
}
