/** DESIGN §2.1: versions, the save/remove matrix, stamps and update(). @module */
import { describe } from "bun:test";
import {
  InvalidInputError,
  ObjectExistsError,
  ObjectMissingError,
  WrongObjectVersionError,
} from "../../mod.ts";
import { expect, expectError, type Harness } from "./harness.ts";

const T = "Thing";

export function versionCases(h: Harness): void {
  describe("versions", () => {
    h.test("save of a missing object without version creates version 1", async () => {
      const store = await h.open();
      const now = h.clock.iso();
      expect(await store.save(T, "a", { n: 1 })).toEqual({ version: "1", created: now, updated: now });
      expect(await store.get(T, "a")).toEqual({
        type: T, key: "a", value: { n: 1 }, version: "1", created: now, updated: now,
      });
    });

    h.test("get of a missing object is undefined", async () => {
      const store = await h.open();
      expect(await store.get(T, "nope")).toBeUndefined();
    });

    h.test("save of a missing object with any version is OBJECT_MISSING", async () => {
      const store = await h.open();
      for (const version of ["1", 1, "2", 7]) {
        await expectError(store.save(T, "a", 1, version), ObjectMissingError, "OBJECT_MISSING");
      }
      expect(await store.get(T, "a")).toBeUndefined();
      expect(await store.types()).toEqual([]);
    });

    h.test("save of an existing object without version is OBJECT_EXISTS", async () => {
      const store = await h.open();
      await store.save(T, "a", "first");
      await expectError(store.save(T, "a", "second"), ObjectExistsError, "OBJECT_EXISTS");
      const got = await store.get(T, "a");
      expect(got?.value).toBe("first");
      expect(got?.version).toBe("1");
    });

    h.test("save with the current version replaces and counts 1,2,3,...", async () => {
      const store = await h.open();
      await store.save(T, "a", 0);
      for (let i = 1; i <= 11; i++) {
        const result = await store.save(T, "a", i, String(i));
        expect(result.version).toBe(String(i + 1));
      }
      const got = await store.get(T, "a");
      expect(got?.value).toBe(11);
      expect(got?.version).toBe("12");
    });

    h.test("a version may be passed as a number or as a string", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      expect((await store.save(T, "a", "v2", 1)).version).toBe("2");
      expect((await store.save(T, "a", "v3", "2")).version).toBe("3");
      await store.remove(T, "a", { version: 3 });
      expect(await store.get(T, "a")).toBeUndefined();
      await store.save(T, "b", "v1");
      await store.remove(T, "b", { version: "1" });
      expect(await store.get(T, "b")).toBeUndefined();
    });

    h.test("save with another version is WRONG_OBJECT_VERSION, \"01\" is not \"1\"", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      await store.save(T, "a", "v2", "1");
      for (const version of ["1", 1, "3", 3, "02", " 2", "2.0"]) {
        await expectError(store.save(T, "a", "x", version), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      }
      await store.save(T, "b", "v1");
      await expectError(store.save(T, "b", "x", "01"), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      const a = await store.get(T, "a");
      expect([a?.value, a?.version]).toEqual(["v2", "2"]);
      const b = await store.get(T, "b");
      expect([b?.value, b?.version]).toEqual(["v1", "1"]);
    });

    h.test("null, \"\" and non-string/number versions are INVALID_ARGUMENT", async () => {
      const store = await h.open();
      await store.save(T, "a", "v1");
      const bad: unknown[] = [null, "", true, {}, ["1"]];
      for (const version of bad) {
        for (const key of ["a", "missing"]) {
          await expectError(store.save(T, key, "x", version as never), InvalidInputError, "INVALID_ARGUMENT");
          await expectError(store.update(T, key, () => "x", version as never), InvalidInputError, "INVALID_ARGUMENT");
          await expectError(
            store.remove(T, key, { version: version as never }),
            InvalidInputError,
            "INVALID_ARGUMENT",
          );
          await expectError(
            store.transaction((tx) => tx.save(T, key, "x", version as never)),
            InvalidInputError,
            "INVALID_ARGUMENT",
          );
        }
      }
      const a = await store.get(T, "a");
      expect([a?.value, a?.version]).toEqual(["v1", "1"]);
      expect(await store.get(T, "missing")).toBeUndefined();
    });

    h.test("remove of a missing object is OBJECT_MISSING, with or without version", async () => {
      const store = await h.open();
      await expectError(store.remove(T, "a"), ObjectMissingError, "OBJECT_MISSING");
      await expectError(store.remove(T, "a", {}), ObjectMissingError, "OBJECT_MISSING");
      await expectError(store.remove(T, "a", { version: "1" }), ObjectMissingError, "OBJECT_MISSING");
      await expectError(store.remove(T, "a", { version: 4 }), ObjectMissingError, "OBJECT_MISSING");
    });

    h.test("remove of a missing object with ignoreMissing succeeds, with or without version", async () => {
      const store = await h.open();
      expect(await store.remove(T, "a", { ignoreMissing: true })).toBeUndefined();
      expect(await store.remove(T, "a", { ignoreMissing: true, version: "1" })).toBeUndefined();
      expect(await store.remove(T, "a", { ignoreMissing: true, version: 3 })).toBeUndefined();
      expect(await store.types()).toEqual([]);
    });

    h.test("remove of an existing object without version removes it", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      expect(await store.remove(T, "a")).toBeUndefined();
      expect(await store.get(T, "a")).toBeUndefined();
      await expectError(store.remove(T, "a"), ObjectMissingError, "OBJECT_MISSING");
    });

    h.test("remove of an existing object with the current version removes it", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      await store.remove(T, "a", { version: "2" });
      expect(await store.get(T, "a")).toBeUndefined();
      await store.save(T, "b", 1);
      await store.remove(T, "b", { version: "1", ignoreMissing: true });
      expect(await store.get(T, "b")).toBeUndefined();
    });

    h.test("remove of an existing object with another version is WRONG_OBJECT_VERSION", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      for (const version of ["1", 3, "02"]) {
        await expectError(store.remove(T, "a", { version }), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
      }
      await expectError(
        store.remove(T, "a", { version: "1", ignoreMissing: true }),
        WrongObjectVersionError,
        "WRONG_OBJECT_VERSION",
      );
      const got = await store.get(T, "a");
      expect([got?.value, got?.version]).toEqual([2, "2"]);
    });

    h.test("an object created again after remove starts at version 1", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await store.save(T, "a", 2, "1");
      await store.remove(T, "a");
      expect((await store.save(T, "a", 3)).version).toBe("1");
      await expectError(store.save(T, "a", 4, "3"), WrongObjectVersionError, "WRONG_OBJECT_VERSION");
    });

    h.test("created stays fixed and updated follows the injected clock", async () => {
      const store = await h.open();
      const t0 = h.clock.iso();
      await store.save(T, "a", 1);
      h.clock.advance(1500);
      const t1 = h.clock.iso();
      expect(await store.save(T, "a", 2, "1")).toEqual({ version: "2", created: t0, updated: t1 });
      h.clock.advance(86_400_000 + 1);
      const t2 = h.clock.iso();
      expect(await store.update(T, "a", (v) => (v as number) + 1)).toEqual({ version: "3", created: t0, updated: t2 });
      expect(await store.get(T, "a")).toEqual({ type: T, key: "a", value: 3, version: "3", created: t0, updated: t2 });
      expect(t2).toBe("2024-01-03T03:04:07.179Z");
      const page = await store.page(T);
      expect(page.result[0]).toEqual({ type: T, key: "a", value: 3, version: "3", created: t0, updated: t2 });
      await store.remove(T, "a");
      h.clock.advance(1);
      const t3 = h.clock.iso();
      expect(await store.save(T, "a", 4)).toEqual({ version: "1", created: t3, updated: t3 });
    });

    h.test("stamps are ISO-8601 UTC with milliseconds", async () => {
      const store = await h.open();
      const result = await store.save(T, "a", 1);
      expect(result.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(result.created).toBe("2024-01-02T03:04:05.678Z");
    });
  });
}
