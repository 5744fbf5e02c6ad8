import { describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";

conformance("Memory", (options) => createObjectStoreInstance({ Type: "Memory" }, options));

describe("Memory specifics", () => {
  test("kind is Memory, also for the default config", async () => {
    for (const store of [createObjectStoreInstance({ Type: "Memory" }), createObjectStoreInstance(), createObjectStoreInstance(null)]) {
      expect(store.kind).toBe("Memory");
      await store.close();
    }
  });

  test("a polluted Object.prototype adds nothing to what get and page return", async () => {
    const store = createObjectStoreInstance({ Type: "Memory" });
    await store.save("T", "k", { a: { b: 1 }, list: [{ c: 2 }] });
    Object.defineProperty(Object.prototype, "polluted", { value: { evil: true }, enumerable: true, configurable: true, writable: true });
    try {
      for (const got of [(await store.get("T", "k"))!.value, (await store.page("T")).result[0]!.value] as { a: object; list: object[] }[]) {
        expect([Object.hasOwn(got, "polluted"), Object.hasOwn(got.a, "polluted"), Object.hasOwn(got.list[0]!, "polluted")]).toEqual([false, false, false]);
        expect(got).toEqual({ a: { b: 1 }, list: [{ c: 2 }] });
      }
    } finally {
      delete (Object.prototype as { polluted?: unknown }).polluted;
    }
  });

  test("two Memory stores share nothing", async () => {
    const one = createObjectStoreInstance({ Type: "Memory" });
    const two = createObjectStoreInstance({ Type: "Memory" });
    await one.save("T", "k", 1);
    expect(await two.get("T", "k")).toBeUndefined();
    expect(await two.types()).toEqual([]);
    await one.close();
    await two.close();
  });
});
