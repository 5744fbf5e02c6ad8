// The DenoKV driver: the conformance suite on Deno KV in memory and in a file under Deno
// (Deno.openKv, as @objstore/objstore/deno injects it). Under Node, the specifics run on openKv of
// the npm package @deno/kv (the same engine); the conformance suite does not, since that build
// allows 10 checks per atomic operation (Deno's allows 100), so the suite's larger transactions
// are TRANSACTION_TOO_LARGE there by design. Bun is skipped: @deno/kv needs V8's value
// serialization, which Bun does not have (its own error says so).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type CreateOptions, type ObjectStore, ObjectStoreError } from "../mod.ts";
import { conformance, expectError } from "./conformance/mod.ts";
import { runtime } from "./file/runtime.ts";

declare const Deno: { openKv(path?: string): Promise<unknown> };

const openKv: CreateOptions["openKv"] | undefined = runtime === "deno"
  ? (path) => Deno.openKv(path) as ReturnType<NonNullable<CreateOptions["openKv"]>>
  : runtime === "node"
  ? ((await import("@deno/kv")).openKv as unknown as CreateOptions["openKv"])
  : undefined;

const dir = mkdtempSync(join(tmpdir(), "objstore-denokv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

if (openKv === undefined) {
  test.skip("DenoKV (skipped under Bun: @deno/kv needs V8's value serialization, which Bun lacks)", () => {});
} else {
  if (runtime === "deno") conformance("DenoKV :memory:", (options) => createObjectStoreInstance({ Type: "DenoKV", path: ":memory:" }, { ...options, openKv }));
  if (runtime === "deno") conformance("DenoKV file", (options) => createObjectStoreInstance({ Type: "DenoKV", path: join(dir, `kv${++n}.sqlite`) }, { ...options, openKv }));

  describe("DenoKV specifics", () => {
    const open = (extra: Record<string, unknown> = {}, path = join(dir, `s${++n}.sqlite`)): ObjectStore =>
      createObjectStoreInstance({ Type: "DenoKV", path, ...extra } as never, { openKv });

    test("values above 64 KiB are stored in chunks in the same commit and read back whole", async () => {
      const store = open();
      const big = { text: "é".repeat(200_000), list: Array.from({ length: 2000 }, (_, i) => i) };
      await store.save("Doc", "big", big);
      expect((await store.get("Doc", "big"))?.value).toEqual(big);
      // Rewritten smaller, then larger again: no stale chunk is read.
      const { version } = await store.save("Doc", "big", { small: true }, "1");
      expect((await store.get("Doc", "big"))?.value).toEqual({ small: true });
      await store.save("Doc", "big", { text: "x".repeat(300_000) }, version);
      expect(((await store.get("Doc", "big"))?.value as { text: string }).text.length).toBe(300_000);
      const page = await store.page("Doc", { query: "xxxx" });
      expect(page.result.map((o) => o.key)).toEqual(["big"]);
      await store.remove("Doc", "big");
      expect(await store.get("Doc", "big")).toBeUndefined();
      expect(await store.types()).toEqual([]);
      await store.close();
    });

    test("a value past Deno KV's 800 KiB per commit is TRANSACTION_TOO_LARGE and nothing is written", async () => {
      const store = open();
      await expectError(store.save("Doc", "huge", "x".repeat(900_000)), ObjectStoreError, "TRANSACTION_TOO_LARGE");
      expect(await store.get("Doc", "huge")).toBeUndefined();
      await store.close();
    });

    // Deno's Deno KV allows 100 checks per atomic operation; @deno/kv on Node 10.
    const most = runtime === "deno" ? 100 : 10;
    test(`a commit of more than ${most} objects is TRANSACTION_TOO_LARGE; ${most} commit`, async () => {
      const store = open();
      await expectError(store.transaction(async (tx) => {
        for (let i = 0; i <= most; i++) await tx.save("T", `k${i}`, i);
      }), ObjectStoreError, "TRANSACTION_TOO_LARGE");
      expect(await store.types()).toEqual([]);
      await store.transaction(async (tx) => {
        for (let i = 0; i < most; i++) await tx.save("T", `k${i}`, i);
      });
      expect((await store.page("T", { pagesize: 0 })).pagination.total).toBe(most);
      await store.close();
    });

    test("truncate alone empties a type larger than one atomic operation", async () => {
      const store = open();
      for (let b = 0; b < 300 / most; b++) {
        await store.transaction(async (tx) => {
          for (let i = 0; i < most; i++) await tx.save("T", `k${b}-${i}`, i);
        });
      }
      await store.save("U", "keep", 1);
      await store.truncate("T");
      expect((await store.page("T")).pagination.total).toBe(0);
      expect(await store.types()).toEqual(["U"]);
      await store.close();
    });

    test("data persists in a file across stores, and prefixes share nothing", async () => {
      const path = join(dir, "persist.sqlite");
      const a = open({}, path);
      await a.save("T", "k", { a: 1 });
      await a.close();
      const again = open({}, path);
      expect((await again.get("T", "k"))?.value).toEqual({ a: 1 });
      const other = open({ objectPrefix: "other" }, path);
      expect(await other.get("T", "k")).toBeUndefined();
      expect(await other.types()).toEqual([]);
      await again.close();
      await other.close();
    });

    test("the unfiltered total is the type's counter, exact under concurrent creates and removes", async () => {
      const path = join(dir, `c${++n}.sqlite`);
      const stores = [open({}, path), open({}, path), open({}, path)];
      await Promise.all(stores.map(async (store, s) => {
        for (let i = 0; i < 40; i++) {
          await store.save("C", `${s}-${i}`, i);
          if (i % 3 === 0) await store.remove("C", `${s}-${i}`);
        }
      }));
      const page = await stores[0]!.page("C", { pagesize: 100 });
      expect(page.pagination.total).toBe(page.result.length);
      expect(page.pagination.total).toBe(3 * (40 - 14));
      for (const store of stores) await store.close();
    });

    test("a bad objectPrefix is a ConfigError", () => {
      expect(() => createObjectStoreInstance({ Type: "DenoKV", objectPrefix: "a/b" } as never, { openKv })).toThrow(/objectPrefix/);
    });
  });
}

test("DenoKV without openKv is UNSUPPORTED and names the entry point", () => {
  try {
    createObjectStoreInstance({ Type: "DenoKV" });
    throw new Error("expected UNSUPPORTED");
  } catch (error) {
    expect((error as { code?: string }).code).toBe("UNSUPPORTED");
    expect((error as Error).message).toContain("@objstore/objstore/deno");
  }
});
