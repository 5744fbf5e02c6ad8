// The migration job and verify as library functions over drivers.
import { describe, expect, test } from "bun:test";
import { migratingDriver } from "../src/composites/migrating.ts";
import type { Driver, DriverRecord, PageRequest, Write } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { contentHash, memoryCheckpointStore, migrate, migrationIdentity, verify } from "../src/migrate/mod.ts";
import { throttle } from "../src/migrate/throttle.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { createStore } from "../src/store.ts";

let tick = Date.UTC(2024, 0, 1);
const clock = () => new Date(tick += 7);

async function filled(count: number, types = ["A", "B"]) {
  const from = memoryDriver();
  const store = createStore(from, { now: clock });
  for (const type of types) {
    for (let i = 0; i < count; i++) await store.save(type, `k${String(i).padStart(5, "0")}`, { i, type });
  }
  return { from, store };
}

/** Wraps a driver: records page limits, counts records read, refuses whole-type scans. */
function watched(inner: Driver, onPage?: (type: string, items: DriverRecord[]) => Promise<void>) {
  const limits: number[] = [];
  let read = 0;
  const driver: Driver = {
    kind: inner.kind,
    get: (t, k) => inner.get(t, k),
    async page(type: string, request: PageRequest) {
      limits.push(request.limit);
      const page = await inner.page(type, request);
      read += page.items.length;
      await onPage?.(type, page.items);
      return page;
    },
    scan: () => {
      throw new Error("the job must page, not scan a whole type");
    },
    types: () => inner.types(),
    commit: (w) => inner.commit(w),
    close: () => inner.close(),
  };
  return { driver, limits, get read() { return read; } };
}

describe("migrate", () => {
  test("copies every type with the same version, created and updated; verify finds no difference", async () => {
    const { from, store } = await filled(120);
    await store.save("A", "k00001", { changed: true }, 1);
    const to = memoryDriver();
    const source = watched(from);
    const result = await migrate({ from: source.driver, to, batchSize: 50 });
    expect(result).toMatchObject({ processed: 240, written: 240, skipped: 0, types: ["A", "B"], resumed: false });
    expect(await to.get("A", "k00001")).toEqual(await from.get("A", "k00001"));
    expect((await to.get("A", "k00001"))?.version).toBe("2");
    expect(await verify({ from, to })).toMatchObject({ compared: 240, missing: 0, extra: 0, different: 0, differences: [] });
    // Streams: pages of at most the batch size, never a whole-type scan.
    expect(Math.max(...source.limits)).toBeLessThanOrEqual(50);
  });

  test("a second run writes nothing: everything is already current", async () => {
    const { from } = await filled(30);
    const to = memoryDriver();
    await migrate({ from, to, batchSize: 7 });
    const again = await migrate({ from, to, batchSize: 7 });
    expect(again).toMatchObject({ processed: 60, written: 0, skipped: 60, repaired: 0 });
  });

  test("never overwrites a newer object in To: migrate and verify both report it; preferFrom replaces it", async () => {
    const { from } = await filled(5, ["A"]);
    const to = memoryDriver();
    const newer = { ...(await from.get("A", "k00002"))!, value: "newer", version: "9" };
    await to.commit([{ op: "put", type: "A", key: "k00002", expect: { any: true }, record: newer }]);
    const dry = await migrate({ from, to, dryRun: true });
    expect(dry).toMatchObject({ newer: 1, newerInTo: [{ type: "A", key: "k00002" }] });
    const result = await migrate({ from, to });
    expect(await to.get("A", "k00002")).toEqual(newer);
    expect(result).toMatchObject({ written: 4, skipped: 0, newer: 1, replaced: 0, newerInTo: [{ type: "A", key: "k00002" }] });
    const checked = await verify({ from, to });
    expect(checked).toMatchObject({ newer: 1, different: 0, differences: [{ type: "A", key: "k00002", kind: "newer" }] });
    // Run again: still reported, never silently "done".
    expect(await migrate({ from, to })).toMatchObject({ newer: 1, skipped: 4 });

    expect(await migrate({ from, to, preferFrom: true, dryRun: true })).toMatchObject({ newer: 0, replaced: 1 });
    expect(await to.get("A", "k00002")).toEqual(newer); // a dry run writes nothing
    const preferred = await migrate({ from, to, preferFrom: true });
    expect(preferred).toMatchObject({ newer: 0, replaced: 1, newerInTo: [] });
    expect(await to.get("A", "k00002")).toEqual(await from.get("A", "k00002"));
    expect(await verify({ from, to })).toMatchObject({ newer: 0, differences: [] });
  });

  test("an object that differs in To at the same version and stamps is copied from From", async () => {
    const { from } = await filled(3, ["A"]);
    const to = memoryDriver();
    await migrate({ from, to });
    const same = (await to.get("A", "k00001"))!;
    await to.commit([{ op: "put", type: "A", key: "k00001", expect: { any: true }, record: { ...same, value: "tampered" } }]);
    expect((await verify({ from, to })).differences).toEqual([{ type: "A", key: "k00001", kind: "different" }]);
    expect(await migrate({ from, to })).toMatchObject({ written: 1, skipped: 2, newer: 0 });
    expect((await verify({ from, to })).differences).toEqual([]);
  });

  test("a checkpoint records its From and To; a resume into other stores is refused, secrets never stored", async () => {
    const { from } = await filled(100, ["A"]);
    const to = memoryDriver();
    const checkpoint = memoryCheckpointStore();
    const configA = { Type: "Remote", url: "https://user:pw-secret@a.example", token: "tok-secret" } as const;
    const configB = { Type: "Remote", url: "https://user:pw-secret@b.example", token: "tok-secret" } as const;
    const identity = await migrationIdentity({ Type: "Memory" }, configA);
    expect(identity.to).toBe('{"Type":"Remote","timeout":30000,"token":"***","url":"https://user:***@a.example"}');
    // Defaults filled in and key order do not matter; a secret's change does.
    expect((await migrationIdentity({ Type: "Memory" }, { token: "tok-secret", url: configA.url, Type: "Remote", timeout: 30000 })).fingerprint).toBe(identity.fingerprint);
    expect((await migrationIdentity({ Type: "Memory" }, { ...configA, token: "other" })).fingerprint).not.toBe(identity.fingerprint);
    const controller = new AbortController();
    await expect(migrate({
      from, to, batchSize: 10, checkpoint, identity, signal: controller.signal,
      onProgress: (p) => void (p.processed >= 30 && controller.abort(new Error("killed"))),
    })).rejects.toThrow("killed");
    const saved = await checkpoint.load();
    expect(saved?.identity).toEqual(identity);
    expect(JSON.stringify(saved)).not.toMatch(/pw-secret|tok-secret/);

    const other = await migrationIdentity({ Type: "Memory" }, configB);
    const refused = await migrate({ from, to, checkpoint, identity: other }).catch((e) => e);
    expect(refused).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(refused.message).toContain("b.example");
    expect(refused.message).toContain("a.example");
    expect(refused.message).not.toMatch(/pw-secret|tok-secret/);
    expect(await checkpoint.load()).toEqual(saved); // left as it was
    // A checkpoint that names no stores (written before they were recorded) is refused too.
    await checkpoint.save({ done: [], processed: 0 });
    await expect(migrate({ from, to, checkpoint, identity })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await checkpoint.save(saved!);
    expect(await migrate({ from, to, checkpoint, identity })).toMatchObject({ resumed: true, processed: 100 });
  });

  test("progress never passes the total, even when From grows during the run", async () => {
    const { from, store } = await filled(40, ["A"]);
    let added = 0;
    const source = watched(from, async (_type, items) => {
      if (items.length > 0 && added < 30) for (let i = 0; i < 10; i++) await store.save("A", `z${added++}`, i);
    });
    const seen: { processed: number; total: number }[] = [];
    await migrate({ from: source.driver, to: memoryDriver(), batchSize: 10, onProgress: (p) => seen.push({ processed: p.processed, total: p.total }) });
    expect(seen[seen.length - 1]!.processed).toBeGreaterThan(40);
    for (const p of seen) expect(p.processed).toBeLessThanOrEqual(p.total);
  });

  test("an object removed during the run is not brought back", async () => {
    const { from } = await filled(100, ["A"]);
    const to = memoryDriver();
    const live = createStore(migratingDriver(from, to));
    const removed: string[] = [];
    const seen = new Set<string>();
    // Right after the job read a new page, a live remove of one of its objects goes through
    // the Migrating store (From, then To) before the job writes the page to To.
    const source = watched(from, async (_type, items) => {
      if (items.length === 0 || seen.has(items[0]!.key)) return; // a re-read, not a new page
      for (const item of items) seen.add(item.key);
      const victim = items[Math.floor(items.length / 2)];
      if (victim && !removed.includes(victim.key) && removed.length < 3) {
        removed.push(victim.key);
        await live.remove("A", victim.key);
      }
    });
    const result = await migrate({ from: source.driver, to, batchSize: 25 });
    expect(removed.length).toBe(3);
    for (const key of removed) expect(await to.get("A", key)).toBeUndefined();
    expect(result.repaired).toBeGreaterThanOrEqual(3);
    expect((await verify({ from, to })).differences).toEqual([]);
  });

  test("objects only To has are removed (From is the truth)", async () => {
    const { from } = await filled(10, ["A"]);
    const to = memoryDriver();
    const stray = { key: "zzz", value: 1, version: "1", created: clock().toISOString(), updated: clock().toISOString() };
    const gone = Array.from({ length: 9 }, (_, i) => `x${i}`); // a type only To has, over 3 pages
    await to.commit([
      ...gone.map((key): Write => ({ op: "put", type: "Gone", key, expect: { absent: true }, record: { ...stray, key } })),
      { op: "put", type: "A", key: "k00003x", expect: { absent: true }, record: { ...stray, key: "k00003x" } },
    ]);
    const before = await verify({ from, to, batchSize: 4 });
    expect(before.differences).toContainEqual({ type: "Gone", key: "x8", kind: "extra" });
    expect(before).toMatchObject({ missing: 10, extra: 10 });
    const target = watched(to);
    const result = await migrate({ from, to: target.driver, batchSize: 4 });
    expect(result.repaired).toBe(10);
    expect(Math.max(...target.limits)).toBeLessThanOrEqual(4);
    expect((await verify({ from, to })).differences).toEqual([]);
    expect(await to.types()).toEqual(["A"]);
  });

  test("dry run writes nothing and counts what it would write", async () => {
    const { from } = await filled(20, ["A"]);
    const to = memoryDriver();
    const checkpoint = memoryCheckpointStore();
    const result = await migrate({ from, to, dryRun: true, checkpoint });
    expect(result).toMatchObject({ processed: 20, written: 20 });
    expect(await to.types()).toEqual([]);
    expect(checkpoint.saves).toBe(0);
  });

  test("an aborted run resumes from its checkpoint without reading From again from the start", async () => {
    const { from } = await filled(200, ["A", "B"]);
    const to = memoryDriver();
    const checkpoint = memoryCheckpointStore();
    const controller = new AbortController();
    const progress: number[] = [];
    await expect(migrate({
      from, to, batchSize: 20, checkpoint, signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.processed);
        if (p.processed >= 260) controller.abort(new Error("killed"));
      },
    })).rejects.toThrow("killed");
    expect(await checkpoint.load()).toMatchObject({ done: ["A"], type: "B", after: "k00059", processed: 260 });
    const source = watched(from);
    const result = await migrate({ from: source.driver, to, batchSize: 20, checkpoint });
    expect(result).toMatchObject({ resumed: true, processed: 400, written: 140 });
    // B's remaining 140 objects, read once to copy and once to re-check; from the start it would be 800.
    expect(source.read).toBeLessThanOrEqual(300);
    expect(await checkpoint.load()).toBeUndefined();
    expect((await verify({ from, to })).differences).toEqual([]);
    expect(progress.every((n, i) => i === 0 || n >= progress[i - 1]!)).toBe(true);
  });

  test("progress reports total, rate and ETA", async () => {
    const { from } = await filled(50, ["A"]);
    let t = 0;
    const seen: { total: number; rate: number; etaSeconds?: number }[] = [];
    await migrate({ from, to: memoryDriver(), batchSize: 10, monotonicNow: () => (t += 100), onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen[0]!.total).toBe(50);
    expect(seen[0]!.rate).toBeGreaterThan(0);
    expect(seen[0]!.etaSeconds).toBeGreaterThan(0);
    expect(seen[seen.length - 1]!.etaSeconds).toBe(0);
  });

  test("the throttle waits for the rate (an abort ends the wait)", async () => {
    const controller = new AbortController();
    const pace = throttle(10, () => 0, controller.signal); // the clock stands still: 10 objects take 1 s
    await pace(0); // nothing done yet: no wait
    const waiting = pace(10);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});

describe("stores as endpoints", () => {
  test("migrate and verify take stores made by createObjectStoreInstance", async () => {
    const a = createObjectStoreInstance({ Type: "Memory" });
    const b = createObjectStoreInstance({ Type: "Memory" });
    await a.save("T", "k", { x: 1 });
    expect(await migrate({ from: a, to: b })).toMatchObject({ written: 1 });
    expect(await b.get("T", "k")).toEqual(await a.get("T", "k"));
    expect((await verify({ from: a, to: b })).differences).toEqual([]);
    await expect(migrate({ from: {} as never, to: b })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("verify", () => {
  test("lists missing, extra and different objects, in type and key order", async () => {
    const { from } = await filled(5, ["A"]);
    const to = memoryDriver();
    await migrate({ from, to });
    const a1 = (await to.get("A", "k00001"))!;
    const a3 = (await to.get("A", "k00003"))!;
    await to.commit([
      { op: "put", type: "A", key: "k00001", expect: { any: true }, record: { ...a1, updated: clock().toISOString() } },
      { op: "put", type: "A", key: "k00003", expect: { any: true }, record: { ...a3, value: "x" } },
      { op: "delete", type: "A", key: "k00002", expect: { any: true } },
      { op: "put", type: "A", key: "k9", expect: { any: true }, record: { ...a1, key: "k9" } },
    ]);
    const result = await verify({ from, to });
    expect(result.differences).toEqual([
      { type: "A", key: "k00001", kind: "different" },
      { type: "A", key: "k00002", kind: "missing" },
      { type: "A", key: "k00003", kind: "different" },
      { type: "A", key: "k9", kind: "extra" },
    ]);
    expect(result).toMatchObject({ missing: 1, extra: 1, different: 2, newer: 0, compared: 6 });
  });

  test("the content hash covers value, version, created and updated, not key order in objects", async () => {
    const base = { key: "k", value: { a: 1, b: [1, { c: 2, d: 3 }] }, version: "1", created: "2024-01-01T00:00:00.000Z", updated: "2024-01-01T00:00:00.000Z" };
    const h = await contentHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentHash({ ...base, value: { b: [1, { d: 3, c: 2 }], a: 1 } })).toBe(h);
    for (const change of [{ value: { a: 2, b: [1, { c: 2, d: 3 }] } }, { version: "2" }, { created: "2024-01-01T00:00:00.001Z" }, { updated: "2024-01-02T00:00:00.000Z" }]) {
      expect(await contentHash({ ...base, ...change })).not.toBe(h);
    }
  });

  test("maxListed caps the list, not the counts", async () => {
    const { from } = await filled(30, ["A"]);
    const result = await verify({ from, to: memoryDriver(), maxListed: 5 });
    expect(result.differences).toHaveLength(5);
    expect(result.missing).toBe(30);
  });
});
