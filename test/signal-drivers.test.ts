// The caller's AbortSignal reaches every driver that makes network calls (DynamoDB's fetch)
// and is forwarded by the composites (Caching, Migrating) and the lazy loader.
import { describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { cachingDriver } from "../src/composites/caching.ts";
import { migratingDriver } from "../src/composites/migrating.ts";
import type { CallOptions, Driver } from "../src/driver.ts";
import { lazyDriver } from "../src/drivers/lazy.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";
import { dynamoInput } from "./support/config.ts";

/** Awaits `action`, returning what it rejected with. */
async function rejection(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, but the call resolved");
}

/** A driver over Memory that records the signal of each read. */
function spyDriver(): Driver & { signals: (AbortSignal | undefined)[] } {
  const inner = memoryDriver();
  const signals: (AbortSignal | undefined)[] = [];
  const note = (options?: CallOptions) => void signals.push(options?.signal);
  return {
    ...inner,
    signals,
    get: (type, key, options) => (note(options), inner.get(type, key, options)),
    page: (type, request, options) => (note(options), inner.page(type, request, options)),
    scan: (type, terms, options) => (note(options), inner.scan(type, terms, options)),
    types: (options) => (note(options), inner.types(options)),
  };
}

describe("signals reach the drivers", () => {
  test("DynamoDB: an abort stops the signed fetch and its retries, rejecting with the reason", async () => {
    let sent = 0;
    const hanging: typeof fetch = (_url, init) => {
      sent++;
      return new Promise((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
    };
    const store = createObjectStoreInstance({ ...dynamoInput, endpoint_url: "http://127.0.0.1:9" } as never, { fetch: hanging });
    for (const call of [(signal: AbortSignal) => store.get("T", "k", { signal }), (signal: AbortSignal) => store.page("T", { signal })]) {
      const controller = new AbortController();
      const before = sent;
      const pending = rejection(() => call(controller.signal));
      while (sent === before) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, 20)); // page sends its count and its items at once
      const atAbort = sent;
      controller.abort("stop");
      expect(await pending).toBe("stop");
      await new Promise((r) => setTimeout(r, 100));
      expect(sent).toBe(atAbort); // not retried after the abort
    }
    await store.close();
  });

  test("Caching and Migrating forward the signal of get, page, scan (and the lazy loader too)", async () => {
    const main = spyDriver(), from = spyDriver();
    const policy = { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 60_000 };
    const stores = [
      createStore(cachingDriver({ main, cache: memoryDriver(), defaultPolicy: { cache: false } })),
      createStore(cachingDriver({ main: lazyDriver("Memory", async () => main, { replace: typeof main.replace === "function" }), cache: memoryDriver(), defaultPolicy: policy })),
      createStore(migratingDriver(from, memoryDriver())),
    ];
    for (const [i, store] of stores.entries()) {
      const spy = i === 2 ? from : main;
      const type = `T${i}`;
      await store.save(type, "k", 1);
      spy.signals.length = 0;
      const { signal } = new AbortController();
      await store.get(type, "k", { signal });
      await store.page(type, { signal });
      for await (const _ of store.scan(type, { signal }));
      // The cached get (second store) is a hit with no read of Main; every read that reached it carried the signal.
      expect(spy.signals.length).toBeGreaterThanOrEqual(2);
      for (const s of spy.signals) expect(s).toBe(signal);
    }
  });
});
