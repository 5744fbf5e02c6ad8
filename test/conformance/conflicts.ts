/** DESIGN §2.2: optimistic conflicts, commit atomicity, retries, concurrency. @module */
import { describe } from "bun:test";
import {
  InvalidInputError,
  ObjectExistsError,
  WrongObjectVersionError,
} from "../../mod.ts";
import { expect, expectError, type Harness } from "./harness.ts";

const T = "Account";

class MyError extends Error {}

export function conflictCases(h: Harness): void {
  describe("conflicts", () => {
    h.test("a stale version is rejected when the write is staged", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "other", 1);
          await tx.save(T, "a", 3, "1");
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(await store.get(T, "other")).toBeUndefined();
    });

    h.test("a conflict found at commit writes nothing, other writes included", async () => {
      const store = await h.open();
      await store.save(T, "a", "a1");
      await store.save(T, "b", "b1");
      await store.save(T, "gone", "g1");
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "new", "n1");
          await tx.save(T, "b", "b2", "1");
          await tx.remove(T, "gone");
          await tx.save(T, "a", "a-tx", "1");
          await store.save(T, "a", "a-other", "1");
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(await store.get(T, "new")).toBeUndefined();
      expect(await store.get(T, "b")).toMatchObject({ value: "b1", version: "1" });
      expect(await store.get(T, "gone")).toMatchObject({ value: "g1", version: "1" });
      expect(await store.get(T, "a")).toMatchObject({ value: "a-other", version: "2" });
    });

    for (const kind of ["create", "update", "remove"] as const) {
      h.test(`a conflict at commit on a ${kind} is WRONG_OBJECT_VERSION`, async () => {
        const store = await h.open();
        if (kind !== "create") await store.save(T, "a", "v1");
        await expectError(
          store.transaction(async (tx) => {
            await tx.save(T, "side", 1);
            // The read makes the create's condition "still absent as read": losing it is a conflict.
            if (kind === "create") expect(await tx.get(T, "a")).toBeUndefined();
            if (kind === "create") await tx.save(T, "a", "mine");
            if (kind === "update") await tx.save(T, "a", "mine", "1");
            if (kind === "remove") await tx.remove(T, "a", { version: "1" });
            if (kind === "create") await store.save(T, "a", "theirs");
            else await store.save(T, "a", "theirs", "1");
          }),
          WrongObjectVersionError,
          "WRONG_OBJECT_VERSION",
        );
        expect((await store.get(T, "a"))?.value).toBe("theirs");
        expect(await store.get(T, "side")).toBeUndefined();
      });
    }

    h.test("a create of a key the transaction never read is checked at commit: OBJECT_EXISTS naming it, nothing written", async () => {
      const store = await h.open();
      await store.save(T, "old", "theirs");
      for (const early of [true, false]) {
        const error = await expectError(
          store.transaction(async (tx) => {
            await tx.save(T, "side", 1);
            if (!early) await tx.save(T, "new", "mine");
            else expect(await tx.save(T, "old", "mine")).toMatchObject({ version: "1" });
            if (!early) await store.save(T, "new", "theirs");
            await tx.save(T, "side2", 2);
          }, { retries: 3 }),
          ObjectExistsError,
          "OBJECT_EXISTS",
        );
        expect(error.message).toContain(early ? `${T}/old` : `${T}/new`);
        expect(await store.get(T, "side")).toBeUndefined();
        expect(await store.get(T, "side2")).toBeUndefined();
        expect((await store.get(T, early ? "old" : "new"))?.value).toBe("theirs");
      }
    });

    h.test("removing or truncating an unread create of an existing key is OBJECT_EXISTS at once", async () => {
      const store = await h.open();
      await store.save(T, "old", "theirs");
      await expectError(store.transaction(async (tx) => {
        await tx.save(T, "old", "mine");
        await tx.remove(T, "old");
      }), ObjectExistsError, "OBJECT_EXISTS");
      await expectError(store.transaction(async (tx) => {
        await tx.save(T, "old", "mine");
        await tx.truncate(T);
      }), ObjectExistsError, "OBJECT_EXISTS");
      expect(await store.get(T, "old")).toMatchObject({ value: "theirs", version: "1" });
      // Unread creates of missing keys remove and truncate fine.
      await store.transaction(async (tx) => {
        await tx.save(T, "new", 1);
        await tx.remove(T, "new");
        await tx.save(T, "new2", 1);
        await tx.truncate("Other");
      });
      expect(await store.get(T, "new")).toBeUndefined();
      expect(await store.get(T, "new2")).toMatchObject({ value: 1 });
    });

    h.test("a removed-underneath object conflicts at commit", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "a", "mine", "1");
          await store.remove(T, "a");
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(await store.get(T, "a")).toBeUndefined();
    });

    h.test("retries defaults to 0: fn runs once and the conflict is thrown", async () => {
      const store = await h.open();
      await store.save(T, "a", 0);
      let runs = 0;
      await expectError(
        store.transaction(async (tx) => {
          runs++;
          const current = await tx.get(T, "a");
          await tx.save(T, "a", 1, current!.version);
          await store.update(T, "a", (v) => (v as number) + 100);
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(runs).toBe(1);
    });

    h.test("retries re-runs fn after a conflict at commit, then succeeds", async () => {
      const store = await h.open();
      await store.save(T, "a", 0);
      let runs = 0;
      const result = await store.transaction(
        async (tx) => {
          runs++;
          const current = await tx.get(T, "a");
          await tx.save(T, "a", (current!.value as number) + 1, current!.version);
          if (runs === 1) await store.update(T, "a", (v) => (v as number) + 100);
          return runs;
        },
        { retries: 2 },
      );
      expect(result).toBe(2);
      expect(await store.get(T, "a")).toMatchObject({ value: 101, version: "3" });
    });

    h.test("retries re-runs fn after a WrongObjectVersionError raised inside fn", async () => {
      const store = await h.open();
      await store.save(T, "a", 0);
      let runs = 0;
      await expectError(
        store.transaction(
          async (tx) => {
            runs++;
            await tx.save(T, "side" + runs, 1);
            await tx.save(T, "a", 1, "9");
          },
          { retries: 3 },
        ),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(runs).toBe(4);
      expect(await store.types()).toEqual([T]);
      expect((await store.page(T)).pagination.total).toBe(1);
    });

    h.test("retries does not re-run fn on other errors", async () => {
      const store = await h.open();
      await store.save(T, "a", 0);
      let runs = 0;
      const mine = new MyError("mine");
      let thrown: unknown;
      try {
        await store.transaction(async () => {
          runs++;
          throw mine;
        }, { retries: 5 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBe(mine);
      expect(runs).toBe(1);
      runs = 0;
      await expectError(
        store.transaction(async (tx) => {
          runs++;
          await tx.save(T, "a", 1);
        }, { retries: 5 }),
        ObjectExistsError,
        "OBJECT_EXISTS",
      );
      expect(runs).toBe(1);
    });

    h.test("a bad retries option is INVALID_ARGUMENT", async () => {
      const store = await h.open();
      for (const retries of [-1, 1.5, "2"]) {
        await expectError(
          store.transaction(async (tx) => {
            await tx.save(T, "a", 1);
          }, { retries: retries as never }),
          InvalidInputError,
          "INVALID_ARGUMENT",
        );
      }
      expect(await store.get(T, "a")).toBeUndefined();
    });

    h.test("transactions run without locks: two can be inside fn at once", async () => {
      const store = await h.open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first = store.transaction(async (tx) => {
        await tx.save(T, "first", 1);
        await gate; // only the second transaction's fn opens it
        return "first";
      });
      const second = store.transaction(async (tx) => {
        await tx.save(T, "second", 2);
        release();
        return "second";
      });
      expect(await Promise.all([first, second])).toEqual(["first", "second"]);
      expect((await store.page(T)).pagination.total).toBe(2);
    });

    h.test("8 concurrent transactions saving one object with the same version: exactly one wins", async () => {
      const store = await h.open();
      await store.save(T, "a", "start");
      // Every fn reads before any commits (over a network, one could otherwise commit first).
      let reads = 0;
      let allRead!: () => void;
      const barrier = new Promise<void>((resolve) => (allRead = resolve));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            expect((await tx.get(T, "a"))?.version).toBe("1");
            if (++reads === 8) allRead();
            await barrier;
            await tx.save(T, "a", `writer ${i}`, "1");
            await tx.save(T, `mark ${i}`, i);
            return i;
          })
        ),
      );
      const winners = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          await expectError(Promise.reject(outcome.reason), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
        }
      }
      expect(await store.get(T, "a")).toMatchObject({ value: `writer ${winners[0]}`, version: "2" });
      const page = await store.page(T);
      expect(page.pagination.total).toBe(2);
      expect(await store.get(T, `mark ${winners[0]}`)).toBeDefined();
    });

    h.test("8 concurrent saves with the same version: exactly one wins", async () => {
      const store = await h.open();
      await store.save(T, "a", "start");
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.save(T, "a", i, "1")),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          await expectError(Promise.reject(outcome.reason), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
        }
      }
      expect((await store.get(T, "a"))?.version).toBe("2");
    });

    h.test("8 concurrent creates of one key: exactly one wins", async () => {
      const store = await h.open();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.save(T, "a", i);
          })
        ),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status !== "rejected") continue;
        // a loser either staged before the winner committed (conflict at commit) or after (exists)
        const e = outcome.reason;
        const ok = (e instanceof WrongObjectVersionError && e.code === "WRONG_OBJECT_VERSION") ||
          (e instanceof ObjectExistsError && e.code === "OBJECT_EXISTS");
        if (!ok) throw new Error(`a losing create failed with ${e}`);
      }
      expect((await store.get(T, "a"))?.version).toBe("1");
    });

    h.test("concurrent create-or-increment updates with retries lose no increment", async () => {
      const store = await h.open();
      await Promise.all(
        Array.from({ length: 8 }, () =>
          store.transaction(async (tx) => {
            await tx.update(T, "n", async (v) => {
              await new Promise((resolve) => setTimeout(resolve, 0));
              return ((v as number | undefined) ?? 0) + 1;
            });
          }, { retries: 20 })
        ),
      );
      expect(await store.get(T, "n")).toMatchObject({ value: 8, version: "8" });
    });

    h.test("concurrent updates with retries lose no increment", async () => {
      const store = await h.open();
      await store.save(T, "n", 0);
      await Promise.all(
        Array.from({ length: 8 }, () =>
          store.transaction(async (tx) => {
            await tx.update(T, "n", (v) => (v as number) + 1);
          }, { retries: 20 })
        ),
      );
      expect(await store.get(T, "n")).toMatchObject({ value: 8, version: "9" });
    });
  });
}
