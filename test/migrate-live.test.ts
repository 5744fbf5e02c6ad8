// End-to-end live migration: while 4 writers keep creating, updating and removing random
// objects through a Migrating store, the job copies 20,000 objects; it is killed once and
// resumed; afterwards verify finds no difference and every acknowledged write is in To.
import { describe, expect, test } from "bun:test";
import type { JsonValue } from "../mod.ts";
import { migratingDriver } from "../src/composites/migrating.ts";
import type { Driver, Write } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { memoryCheckpointStore, migrate, verify } from "../src/migrate/mod.ts";
import { createStore } from "../src/store.ts";

const TYPES = ["Account", "Order", "Person"];
const OBJECTS = 20_000;
const WRITERS = 4;

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyOf = (i: number) => `key-${String(i).padStart(6, "0")}`;

/** Memory behind a macrotask per call, as a real backend's I/O would be, so work interleaves. */
function behindIo(inner: Driver): Driver {
  const io = () => new Promise((r) => setTimeout(r, 0));
  return {
    kind: inner.kind,
    get: async (t, k) => (await io(), inner.get(t, k)),
    page: async (t, r) => (await io(), inner.page(t, r)),
    scan: (t, terms) => inner.scan(t, terms),
    types: async () => (await io(), inner.types()),
    commit: async (w) => (await io(), inner.commit(w)),
    close: () => inner.close(),
  };
}

describe("live migration", () => {
  test("20,000 objects, 4 writers, killed once and resumed: To equals From and holds every acknowledged write", async () => {
    const fromMemory = memoryDriver();
    const from = behindIo(fromMemory);
    const toMemory = memoryDriver();
    const to = behindIo(toMemory);
    // What each key should be, from the writes acknowledged to their writer (each writer owns
    // the keys i with i % WRITERS === its number, so acknowledgements are totally ordered).
    const expected = new Map<string, { value: JsonValue; version: string } | undefined>();
    const stamp = new Date().toISOString();
    const seed: Write[] = [];
    for (let i = 0; i < OBJECTS; i++) {
      const type = TYPES[i % TYPES.length]!;
      const record = { key: keyOf(i), value: { i, n: 0 }, version: "1", created: stamp, updated: stamp };
      seed.push({ op: "put", type, key: keyOf(i), expect: { absent: true }, record });
      expected.set(`${type}/${keyOf(i)}`, { value: { i, n: 0 }, version: "1" });
    }
    await fromMemory.commit(seed);

    const failures: unknown[] = [];
    const live = createStore(migratingDriver(from, to, { onMirrorError: (f) => failures.push(f) }));
    let running = true;
    const counts = { updates: 0, removes: 0, creates: 0 };
    const writer = async (w: number) => {
      const next = random(1000 + w);
      while (running) {
        const i = Math.floor(next() * (OBJECTS / WRITERS)) * WRITERS + w;
        const type = TYPES[i % TYPES.length]!, key = keyOf(i), id = `${type}/${key}`;
        const current = expected.get(id);
        if (!current) {
          const value = { i, n: 1, recreated: true };
          const saved = await live.save(type, key, value);
          expected.set(id, { value, version: saved.version });
          counts.creates++;
        } else if (next() < 0.2) {
          await live.remove(type, key, { version: current.version });
          expected.set(id, undefined);
          counts.removes++;
        } else {
          const value = { i, n: (current.value as { n: number }).n + 1 };
          const saved = await live.save(type, key, value, current.version);
          expected.set(id, { value, version: saved.version });
          counts.updates++;
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    const checkpoint = memoryCheckpointStore();
    const controller = new AbortController();
    await expect(migrate({
      from, to, batchSize: 250, checkpoint, signal: controller.signal,
      onProgress: (p) => {
        if (p.processed >= OBJECTS / 2) controller.abort(new Error("killed"));
      },
    })).rejects.toThrow("killed");
    const stoppedAt = await checkpoint.load();
    expect(stoppedAt?.processed).toBeGreaterThanOrEqual(OBJECTS / 2);

    const result = await migrate({ from, to, batchSize: 250, checkpoint });
    expect(result.resumed).toBe(true);
    running = false;
    await Promise.all(writers);

    expect(counts.updates).toBeGreaterThan(100);
    expect(counts.removes).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    const report = await verify({ from: fromMemory, to: toMemory });
    expect(report.differences).toEqual([]);
    expect(report.compared).toBeGreaterThan(OBJECTS / 2);
    const wrong: string[] = [];
    for (const [id, want] of expected) {
      const [type, key] = id.split("/") as [string, string];
      const got = await toMemory.get(type, key);
      if (want === undefined ? got !== undefined : got?.version !== want.version || JSON.stringify(got.value) !== JSON.stringify(want.value)) wrong.push(id);
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
