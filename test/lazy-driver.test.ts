// lazyDriver (src/drivers/lazy.ts): loads its driver on the first operation, once; a failed
// load is tried again; close() before any operation loads nothing; kind/replace are checked.
import { describe, expect, test } from "bun:test";
import type { Driver } from "../src/driver.ts";
import { lazyDriver } from "../src/drivers/lazy.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { createStore } from "../src/store.ts";

/** A loader of a Memory driver that counts its calls and fails the first `failures` of them. */
function loader(failures = 0) {
  const calls = { count: 0 };
  const load = async (): Promise<Driver> => {
    calls.count++;
    if (calls.count <= failures) throw new Error("chunk did not arrive");
    // Memory without its one-step replace: the loaded driver says it has none.
    const { replace: _replace, ...driver } = memoryDriver();
    return driver;
  };
  return { calls, load };
}

describe("lazyDriver", () => {
  test("loads on the first operation, once, and forwards every call", async () => {
    const { calls, load } = loader();
    const store = createStore(lazyDriver("Memory", load, { replace: false }));
    expect(calls.count).toBe(0);
    await Promise.all([store.save("T", "a", 1), store.save("T", "b", 2)]);
    const values: unknown[] = [];
    for await (const object of store.scan("T")) values.push(object.value); // scan is a generator
    expect(values).toEqual([1, 2]);
    expect((await store.get("T", "a"))?.value).toBe(1);
    expect(calls.count).toBe(1);
  });

  test("a failed load fails that operation and is tried again by the next", async () => {
    const { calls, load } = loader(1);
    const store = createStore(lazyDriver("Memory", load, { replace: false }));
    await expect(store.get("T", "a")).rejects.toThrow();
    expect(await store.get("T", "a")).toBeUndefined();
    expect(calls.count).toBe(2);
  });

  test("close() before any operation loads nothing", async () => {
    const { calls, load } = loader();
    await lazyDriver("Memory", load, { replace: false }).close();
    expect(calls.count).toBe(0);
  });

  test("replace is defined exactly when told, and a loaded driver that disagrees fails the load", async () => {
    const { load } = loader();
    expect(lazyDriver("Memory", load, { replace: false }).replace).toBeUndefined();
    const wrong = lazyDriver("Memory", load, { replace: true });
    expect(typeof wrong.replace).toBe("function");
    await expect(wrong.get("T", "a")).rejects.toThrow(/expected Memory/);
    await expect(lazyDriver("Remote", load, { replace: false }).get("T", "a")).rejects.toThrow(/expected Remote/);
  });
});
