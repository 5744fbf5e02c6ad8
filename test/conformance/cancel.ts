/** Cancellation: `{ signal }` on get, page, scan and transaction. @module */
import { describe } from "bun:test";
import { InvalidInputError, ObjectStoreError, type Transaction } from "../../mod.ts";
import { collect, expect, expectError, type Harness } from "./harness.ts";

const T = "Cancel";

/** Awaits `action` and returns what it rejected with (fails when it resolves). */
async function rejection(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, but the call resolved");
}

export function cancelCases(h: Harness): void {
  describe("cancellation", () => {
    h.test("an aborted signal rejects get, page, scan and transaction with its reason; fn never runs", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      const reason = new Error("stop");
      const signal = AbortSignal.abort(reason);
      let ran = 0;
      expect(await rejection(store.get(T, "a", { signal }))).toBe(reason);
      expect(await rejection(store.page(T, { signal }))).toBe(reason);
      expect(await rejection(collect(store.scan(T, { signal })))).toBe(reason);
      expect(await rejection(store.transaction(async (tx) => void (ran++, await tx.save(T, "b", 1)), { signal }))).toBe(reason);
      expect(ran).toBe(0);
      expect(await store.get(T, "b")).toBeUndefined();
      // A signal that has not aborted changes nothing.
      const open = new AbortController().signal;
      expect((await store.get(T, "a", { signal: open }))?.value).toBe(1);
      expect((await store.page(T, { signal: open })).pagination.total).toBe(1);
      expect(await collect(store.scan(T, { signal: open }))).toHaveLength(1);
    });

    h.test("a transaction aborted while fn runs rejects with the reason and commits nothing; its tx is then CLOSED", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      const controller = new AbortController();
      let release!: () => void;
      const paused = new Promise<void>((resolve) => (release = resolve));
      let tx: Transaction | undefined;
      let reached = false;
      const running = store.transaction(async (t) => {
        tx = t;
        await t.save(T, "a", 2, "1");
        await t.save(T, "new", 1);
        expect((await t.get(T, "a", { signal: controller.signal }))?.value).toBe(2);
        reached = true;
        await paused;
        return "done";
      }, { signal: controller.signal });
      while (!reached) await new Promise((r) => setTimeout(r, 1));
      controller.abort("user left");
      expect(await rejection(running)).toBe("user left");
      release();
      await expectError(tx!.save(T, "late", 1), ObjectStoreError, "CLOSED");
      expect(await store.get(T, "a")).toMatchObject({ value: 1, version: "1" });
      expect(await store.get(T, "new")).toBeUndefined();
      expect(await store.get(T, "late")).toBeUndefined();
    });

    h.test("a signal that is not an AbortSignal is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      const bad = { signal: "soon" } as unknown as { signal: AbortSignal };
      await expectError(store.get(T, "a", bad), InvalidInputError, "INVALID_ARGUMENT");
      await expectError(store.page(T, bad), InvalidInputError, "INVALID_ARGUMENT");
      await expectError(collect(store.scan(T, bad)), InvalidInputError, "INVALID_ARGUMENT");
      await expectError(store.transaction(async () => 1, bad), InvalidInputError, "INVALID_ARGUMENT");
    });
  });
}
