// The Migrating store: From first, mirrored records keep version and dates, a To failure is
// reported and counted but never blocks or undoes From, and To ends as From holds it.
import { describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import "../src/drivers/register/all.ts";
import { BackendError, createObjectStoreInstance, type ObjectStore, WrongObjectVersionError } from "../mod.ts";
import { cachingDriver } from "../src/composites/caching.ts";
import { libsqlDriver } from "../src/drivers/libsql/driver.ts";
import { type MigratingDriver, migratingDriver, type MirrorFailure, type MirrorStats } from "../src/composites/migrating.ts";
import type { Driver, Write } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { mirrorOrder } from "../src/composites/mirror-order.ts";
import { createStore } from "../src/store.ts";

/** A driver that logs commits into `log` and can be told to fail them. */
function logged(name: string, inner: Driver, log: string[]) {
  const state = { fail: false };
  const driver: Driver = {
    kind: inner.kind,
    get: (t, k) => inner.get(t, k),
    page: (t, r) => inner.page(t, r),
    scan: (t, terms) => inner.scan(t, terms),
    types: () => inner.types(),
    async commit(writes: Write[]) {
      if (state.fail) {
        log.push(`${name}: failed`);
        throw new Error(`${name} is down`);
      }
      await inner.commit(writes).catch((e) => {
        log.push(`${name}: ${e.name}`);
        throw e;
      });
      log.push(`${name}: ${writes.map((w) => `${w.op} ${w.type}${"key" in w ? `/${w.key}` : ""}`).join(", ")}`);
    },
    close: () => inner.close(),
  };
  return { driver, state };
}

function setup() {
  const log: string[] = [];
  const failures: MirrorFailure[] = [];
  const fromInner = memoryDriver(), toInner = memoryDriver();
  const from = logged("From", fromInner, log);
  const to = logged("To", toInner, log);
  const driver: MigratingDriver = migratingDriver(from.driver, to.driver, { onMirrorError: (f) => failures.push(f) });
  let ms = Date.UTC(2024, 0, 1);
  const store = createStore(driver, { now: () => new Date(ms += 1000) });
  return { store, driver, log, failures, from, to, fromStore: createStore(fromInner), toStore: createStore(toInner) };
}

describe("Migrating store", () => {
  test("a commit goes to From first, then To; reads come from From", async () => {
    const { store, log, toStore } = setup();
    await store.save("T", "a", 1);
    expect(log).toEqual(["From: put T/a", "To: put T/a"]);
    await toStore.save("T", "only-in-to", 1);
    expect(await store.get("T", "only-in-to")).toBeUndefined();
    expect(await store.types()).toEqual(["T"]);
  });

  test("To gets the same version, created and updated as From, for saves, updates and transactions", async () => {
    const { store, fromStore, toStore } = setup();
    await store.save("T", "a", { n: 1 });
    await store.save("T", "a", { n: 2 }, 1);
    await store.update("T", "a", (v) => ({ ...(v as object), m: 3 }));
    await store.transaction(async (tx) => {
      await tx.save("T", "b", "x");
      await tx.save("U", "c", "y");
    });
    for (const [type, key] of [["T", "a"], ["T", "b"], ["U", "c"]] as const) {
      const inFrom = await fromStore.get(type, key);
      expect(inFrom).toBeDefined();
      expect(await toStore.get(type, key)).toEqual(inFrom);
    }
    expect((await toStore.get("T", "a"))?.version).toBe("3");
  });

  test("a transaction saving one key three times is mirrored in one To commit, no conflict", async () => {
    const { store, log, fromStore, toStore } = setup();
    await store.save("T", "a", 0);
    log.length = 0;
    await store.transaction(async (tx) => {
      for (let n = 1; n <= 3; n++) await tx.save("T", "a", n, n);
    });
    expect(log).toEqual(["From: put T/a", "To: put T/a"]);
    expect(await toStore.get("T", "a")).toEqual(await fromStore.get("T", "a"));
    expect((await toStore.get("T", "a"))?.version).toBe("4");
  });

  test("removes and truncates are mirrored", async () => {
    const { store, toStore } = setup();
    await store.save("T", "a", 1);
    await store.save("T", "b", 1);
    await store.save("U", "c", 1);
    await store.remove("T", "a");
    expect(await toStore.get("T", "a")).toBeUndefined();
    await store.truncate("U");
    expect(await toStore.types()).toEqual(["T"]);
  });

  test("a To failure does not fail or undo the commit; it is reported and counted", async () => {
    const { store, driver, to, failures, fromStore, toStore } = setup();
    to.state.fail = true;
    const saved = await store.save("T", "a", 1);
    expect(saved.version).toBe("1");
    expect((await fromStore.get("T", "a"))?.version).toBe("1");
    expect(await toStore.get("T", "a")).toBeUndefined();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.objects).toEqual([{ type: "T", key: "a" }]);
    expect(String((failures[0]!.cause as Error).message)).toContain("To is down");
    expect(driver.stats()).toEqual({ mirrored: 0, failures: 1 });
    to.state.fail = false;
    await store.save("T", "a", 2, 1); // To missed version 1; the mirror of version 2 still lands
    expect((await toStore.get("T", "a"))?.version).toBe("2");
    expect(driver.stats()).toEqual({ mirrored: 1, failures: 1 });
  });

  test("a From failure is the caller's error and nothing reaches To", async () => {
    const { store, from, log } = setup();
    from.state.fail = true;
    await expect(store.save("T", "a", 1)).rejects.toBeInstanceOf(BackendError);
    expect(log).toEqual(["From: failed"]);
  });

  test("From decides: a mirror makes To's object what From holds, even where To held a higher version", async () => {
    const { store, fromStore, toStore, driver } = setup();
    await store.save("T", "a", "old");
    // To holds states From never had (written to To behind the store's back).
    await toStore.save("T", "a", "v2", 1);
    await toStore.save("T", "a", "v3", 2);
    await store.save("T", "a", "v2 from the store", 1); // From: version 2
    expect((await fromStore.get("T", "a"))?.version).toBe("2");
    expect(await toStore.get("T", "a")).toEqual(await fromStore.get("T", "a"));
    expect(driver.stats().failures).toBe(0);
  });

  test("a removed and re-created object replaces the old one in To", async () => {
    const { store, to, toStore, fromStore } = setup();
    await store.save("T", "a", "first");
    await store.save("T", "a", "second", 1);
    to.state.fail = true;
    await store.remove("T", "a"); // To misses the remove
    to.state.fail = false;
    await store.save("T", "a", "again"); // version 1, created later than To's version 2
    expect(await toStore.get("T", "a")).toEqual(await fromStore.get("T", "a"));
  });

  test("a hanging To does not block commits: past mirrorTimeout they return, and To catches up later", async () => {
    const fromInner = memoryDriver(), toInner = memoryDriver();
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const hanging: Driver = { ...toInner, kind: "Memory", get: (t, k) => toInner.get(t, k), commit: async (w) => (await gate, toInner.commit(w)) };
    const driver = migratingDriver(fromInner, hanging, { mirrorTimeout: 20 });
    const store = createStore(driver);
    await store.save("T", "a", 1); // waits 20 ms for To, then returns
    for (let i = 0; i < 20; i++) await store.save("T", `b${i}`, i); // To is stalled: no waiting
    const fromStore = createStore(fromInner), toStore = createStore(toInner);
    expect((await fromStore.page("T")).pagination.total).toBe(21);
    expect(await toStore.types()).toEqual([]);
    expect(driver.stats()).toEqual({ mirrored: 0, failures: 0 });
    release();
    await store.close(); // waits for the pending mirrors
    expect(driver.stats()).toEqual({ mirrored: 21, failures: 0 });
    expect(await toInner.get("T", "b19")).toEqual(await fromInner.get("T", "b19"));
  });

  test("mirrors of different objects do not wait for each other; of one object they keep their order", async () => {
    const fromInner = memoryDriver(), toInner = memoryDriver();
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const slowTo: Driver = {
      ...toInner,
      kind: "Memory",
      async commit(w) {
        if (w.some((x) => "key" in x && x.key === "slow") && !order.includes("slow")) await gate;
        await toInner.commit(w);
        order.push(w.map((x) => ("key" in x ? x.key : "*")).join("+"));
      },
    };
    const store = createStore(migratingDriver(fromInner, slowTo));
    const slow = store.save("T", "slow", 1); // its mirror waits for the gate
    await store.save("T", "fast", 1); // not behind the slow one
    expect(order).toEqual(["fast"]);
    const again = store.save("T", "slow", 2, 1); // same object: waits behind the first
    await store.transaction(async (tx) => { // other objects: not behind the slow one either
      await tx.save("T", "other", 1);
      await tx.save("T", "fast", 2, 1);
    });
    expect(order).toEqual(["fast", "other+fast"]);
    release();
    await Promise.all([slow, again]);
    expect(order).toEqual(["fast", "other+fast", "slow", "slow"]);
    expect((await toInner.get("T", "slow"))?.version).toBe("2");
    expect(await toInner.get("T", "slow")).toEqual(await fromInner.get("T", "slow"));
    expect(await toInner.get("T", "fast")).toEqual(await fromInner.get("T", "fast"));
  });

  test("mirror order: a truncate waits for the type's earlier mirrors, later ones wait for it", async () => {
    const order = mirrorOrder();
    const log: string[] = [];
    const gates: Record<string, () => void> = {};
    const step = (name: string) => () => new Promise<void>((r) => (gates[name] = () => (log.push(name), r())));
    const put = (type: string, key: string): Write => ({ op: "put", type, key, expect: { any: true }, record: { key, value: 1, version: "1", created: "", updated: "" } });
    const a = order.after([put("T", "a")], step("a"));
    const u = order.after([put("U", "a")], step("u"));
    const trunc = order.after([{ op: "truncate", type: "T" }], step("truncate"));
    const b = order.after([put("T", "b")], step("b"));
    await new Promise((r) => setTimeout(r, 1));
    expect(Object.keys(gates).sort()).toEqual(["a", "u"]); // truncate and b wait
    gates.u!();
    await u;
    expect(Object.keys(gates).sort()).toEqual(["a", "u"]);
    gates.a!();
    await a;
    await new Promise((r) => setTimeout(r, 1));
    expect(Object.keys(gates).sort()).toEqual(["a", "truncate", "u"]);
    gates.truncate!();
    await trunc;
    await new Promise((r) => setTimeout(r, 1));
    gates.b!();
    await b;
    await order.idle();
    expect(log).toEqual(["u", "a", "truncate", "b"]);
  });

  test("beyond maxPendingMirrors a mirror is dropped and reported", async () => {
    const fromInner = memoryDriver(), toInner = memoryDriver();
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const failures: MirrorFailure[] = [];
    const hanging: Driver = { ...toInner, kind: "Memory", commit: async (w) => (await gate, toInner.commit(w)) };
    const driver = migratingDriver(fromInner, hanging, { mirrorTimeout: 1, maxPendingMirrors: 3, onMirrorError: (f) => failures.push(f) });
    const store = createStore(driver);
    for (let i = 0; i < 5; i++) await store.save("T", `k${i}`, i);
    expect(failures.map((f) => f.objects)).toEqual([[{ type: "T", key: "k3" }], [{ type: "T", key: "k4" }]]);
    release();
    await store.close();
    expect(driver.stats()).toEqual({ mirrored: 3, failures: 2 });
  });

  test("stats() and onMirrorError through createObjectStoreInstance", async () => {
    const failures: MirrorFailure[] = [];
    const store = createObjectStoreInstance({ Type: "Migrating", From: { Type: "Memory" }, To: { Type: "Memory" } }, { onMirrorError: (f) => failures.push(f) }) as ObjectStore & { stats(): MirrorStats };
    await store.save("T", "a", 1);
    expect(store.kind).toBe("Migrating");
    expect(store.stats()).toEqual({ mirrored: 1, failures: 0 });
    expect(failures).toEqual([]);
    await store.close();
  });
});

describe("composites over a driver with a one-step replace (libSQL)", () => {
  test("a versioned save through Migrating(libSQL → Memory) uses From's replace and mirrors the full record", async () => {
    const from = libsqlDriver({ client: createClient({ url: ":memory:" }) });
    const to = memoryDriver();
    const store = createStore(migratingDriver(from, to));
    await store.save("T", "a", 1);
    const saved = await store.save("T", "a", 2, 1);
    expect(saved.version).toBe("2");
    expect(await to.get("T", "a")).toEqual(await from.get("T", "a"));
    await store.close();
  });

  test("a versioned save through Caching(libSQL) updates the cache after Main's replace", async () => {
    const main = libsqlDriver({ client: createClient({ url: ":memory:" }) });
    const driver = cachingDriver({ main, cache: memoryDriver(), defaultPolicy: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1e9 } });
    const store = createStore(driver);
    await store.save("T", "a", 1);
    await store.save("T", "a", 2, 1);
    expect(await store.get("T", "a")).toMatchObject({ value: 2, version: "2" });
    expect(driver.stats()).toMatchObject({ hits: 1, misses: 0 }); // the replace filled the cache
    await expect(store.save("T", "a", 3, 1)).rejects.toBeInstanceOf(WrongObjectVersionError);
    expect(await store.get("T", "a")).toMatchObject({ value: 2, version: "2" });
    expect(driver.stats()).toMatchObject({ hits: 1, misses: 1 }); // a failed replace drops the entry
    await store.close();
  });
});
