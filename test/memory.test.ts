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
