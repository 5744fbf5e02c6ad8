/** DESIGN §2.1: update(type, key, fn, version?). @module */
import { describe } from "bun:test";
import {
  InvalidInputError,
  ObjectMissingError,
  WrongObjectVersionError,
} from "../../mod.ts";
import { expect, expectError, type Harness } from "./harness.ts";

const T = "Counter";

export function updateCases(h: Harness): void {
  describe("update", () => {
    h.test("update of a missing object without version creates it from fn(undefined)", async () => {
      const store = await h.open();
      const seen: unknown[] = [];
      const result = await store.update(T, "a", (current) => {
        seen.push(current);
        return { n: 1 };
      });
      expect(seen).toEqual([undefined]);
      expect(result.version).toBe("1");
      expect((await store.get(T, "a"))?.value).toEqual({ n: 1 });
    });

    h.test("update of an existing object passes the current value and stores fn's result", async () => {
      const store = await h.open();
      await store.save(T, "a", { n: 1, tags: ["x"] });
      const seen: unknown[] = [];
      const result = await store.update(T, "a", (current) => {
        seen.push(structuredClone(current));
        const c = current as { n: number; tags: string[] };
        return { n: c.n + 1, tags: [...c.tags, "y"] };
      });
      expect(seen).toEqual([{ n: 1, tags: ["x"] }]);
      expect(result.version).toBe("2");
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([{ n: 2, tags: ["x", "y"] }, "2"]);
    });

    h.test("update accepts an async fn", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.update(T, "a", async (current) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return (current as number) * 10;
      });
      expect((await store.get(T, "a"))?.value).toBe(10);
    });

    h.test("update with the current version (number or string) succeeds", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      expect((await store.update(T, "a", (c) => (c as number) + 1, "1")).version).toBe("2");
      expect((await store.update(T, "a", (c) => (c as number) + 1, 2)).version).toBe("3");
      expect((await store.get(T, "a"))?.value).toBe(3);
    });

    h.test("update with another version is WRONG_OBJECT_VERSION and writes nothing", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      for (const version of ["1", 3, "02"]) {
        await expectError(store.update(T, "a", () => 99, version), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      }
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([2, "2"]);
    });

    h.test("update of a missing object with a version is OBJECT_MISSING", async () => {
      const store = await h.open();
      await expectError(store.update(T, "a", () => 1, "1"), ObjectMissingError, "OBJECT_MISSING");
      await expectError(store.update(T, "a", () => 1, 1), ObjectMissingError, "OBJECT_MISSING");
      expect(await store.get(T, "a")).toBeUndefined();
    });

    h.test("fn returning undefined is INVALID_VALUE and writes nothing", async () => {
      const store = await h.open();
      await expectError(store.update(T, "new", () => undefined as never), InvalidInputError, "INVALID_VALUE");
      expect(await store.get(T, "new")).toBeUndefined();
      await store.save(T, "a", { n: 1 });
      await expectError(store.update(T, "a", () => undefined as never), InvalidInputError, "INVALID_VALUE");
      await expectError(store.update(T, "a", async () => undefined as never), InvalidInputError, "INVALID_VALUE");
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([{ n: 1 }, "1"]);
    });

    h.test("fn returning a non-JSON value is INVALID_VALUE naming the path", async () => {
      const store = await h.open();
      await store.save(T, "a", { n: 1 });
      const error = await expectError(
        store.update(T, "a", () => ({ n: 1, when: new Date(0) }) as never),
        InvalidInputError,
        "INVALID_VALUE",
      );
      expect(error.message).toContain("$.when");
      expect((await store.get(T, "a"))?.version).toBe("1");
    });

    h.test("fn gets a copy: mutating it and then throwing changes nothing", async () => {
      const store = await h.open();
      await store.save(T, "a", { n: 1, list: [1] });
      const boom = new Error("boom");
      let thrown: unknown;
      try {
        await store.update(T, "a", (current) => {
          const c = current as { n: number; list: number[] };
          c.n = 42;
          c.list.push(2);
          throw boom;
        });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBe(boom);
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([{ n: 1, list: [1] }, "1"]);
    });

    h.test("fn may return its (mutated) argument", async () => {
      const store = await h.open();
      await store.save(T, "a", { n: 1 });
      await store.update(T, "a", (current) => {
        (current as { n: number }).n = 5;
        return current as { n: number };
      });
      expect((await store.get(T, "a"))?.value).toEqual({ n: 5 });
    });

    h.test("the value update stored is a copy of what fn returned", async () => {
      const store = await h.open();
      const mine = { n: 1, list: [1] };
      await store.update(T, "a", () => mine);
      mine.n = 2;
      mine.list.push(2);
      expect((await store.get(T, "a"))?.value).toEqual({ n: 1, list: [1] });
    });

    h.test("update without version: a change after its read makes it fail (no lost update)", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await expectError(
        store.update(T, "a", async (current) => {
          await store.save(T, "a", 100, "1");
          return (current as number) + 1;
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([100, "2"]);
    });

    h.test("update of an object removed while fn runs is WRONG_OBJECT_VERSION", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await expectError(
        store.update(T, "a", async (current) => {
          await store.remove(T, "a");
          return (current as number) + 1;
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      expect(await store.get(T, "a")).toBeUndefined();
    });

    h.test("update creating a missing object fails when another create wins first", async () => {
      const store = await h.open();
      await expectError(
        store.update(T, "a", async () => {
          await store.save(T, "a", "other");
          return "mine";
        }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual(["other", "1"]);
    });
  });
}
