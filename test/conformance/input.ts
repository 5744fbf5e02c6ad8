/** DESIGN §2.4: types and keys: accepted, rejected, round-tripped. @module */
import { describe } from "bun:test";
import { InvalidInputError, type ObjectStore } from "../../mod.ts";
import { collect, compareCodePoints, expect, expectError, type Harness, keysOf } from "./harness.ts";

const T = "Input";
const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** Keys every driver must round-trip. */
export const ODD_KEYS: string[] = [
  "a/b", "/leading", "trailing/", "..", "../escape", "../../etc/passwd", ".", "a/../b", "a:b", "C:\\x", "a\\b",
  "100%", "%2F", "%", "%%41", "a b", " lead", "trail ", "😀", "日本語キー", "ÄÖÜ", "k#h?q=1&x", "con", "nul.txt",
  "x".repeat(300), "é".repeat(512), "😀".repeat(256), "_under_score_", "quote\"s'", "<tag>", "*", "~", "K", "k",
];

/** Types every driver must round-trip. */
export const ODD_TYPES: string[] = ["a/b", "..", "a:b", "100%", "a b", "😀", "Ünï", "T".repeat(100), "😀".repeat(100)];

const BAD_TYPES: [string, unknown][] = [
  ["empty", ""],
  ["101 code points", "T".repeat(101)],
  ["101 emoji", "😀".repeat(101)],
  ["underscore", "a_b"],
  ["leading underscore", "_a"],
  ["NUL", "a\u0000b"],
  ["newline", "a\nb"],
  ["tab", "\t"],
  ["DEL", "a\u007f"],
  ["C1 control", "a\u0085"],
  ["lone high surrogate", "a\uD800"],
  ["lone low surrogate", "\uDC00a"],
];

const BAD_KEYS: [string, unknown][] = [
  ["empty", ""],
  ["1025 bytes", "x".repeat(1025)],
  ["1025 bytes of 2-byte chars", "x" + "é".repeat(512)],
  ["1028 bytes of emoji", "😀".repeat(257)],
  ["NUL", "a\u0000"],
  ["newline", "a\nb"],
  ["carriage return", "\r"],
  ["DEL", "\u007f"],
  ["C1 control", "\u009f"],
  ["lone high surrogate", "\uD83D"],
  ["lone low surrogate", "a\uDE00"],
];

/** Every operation that takes a type (and a key), so the rules are checked everywhere. */
function operations(store: ObjectStore, type: string, key: string): [string, () => Promise<unknown>][] {
  return [
    ["get", () => store.get(type, key)],
    ["save", () => store.save(type, key, 1)],
    ["save with version", () => store.save(type, key, 1, "1")],
    ["update", () => store.update(type, key, () => 1)],
    ["remove", () => store.remove(type, key, { ignoreMissing: true })],
    ["tx.get", () => store.transaction((tx) => tx.get(type, key))],
    ["tx.save", () => store.transaction((tx) => tx.save(type, key, 1))],
    ["tx.update", () => store.transaction((tx) => tx.update(type, key, () => 1))],
    ["tx.remove", () => store.transaction((tx) => tx.remove(type, key, { ignoreMissing: true }))],
  ];
}

function typeOnlyOperations(store: ObjectStore, type: string): [string, () => Promise<unknown>][] {
  return [
    ["page", () => store.page(type)],
    ["scan", () => collect(store.scan(type))],
    ["truncate", () => store.truncate(type)],
    ["tx.page", () => store.transaction((tx) => tx.page(type))],
    ["tx.scan", () => store.transaction((tx) => collect(tx.scan(type)))],
    ["tx.truncate", () => store.transaction((tx) => tx.truncate(type))],
  ];
}

async function expectInvalid(label: string, call: () => Promise<unknown>, code: string | string[]): Promise<void> {
  try {
    await expectError(call(), InvalidInputError, code);
  } catch (error) {
    throw new Error(`${label}: ${(error as Error).message}`);
  }
}

export function inputCases(h: Harness): void {
  describe("input: types and keys", () => {
    h.test("odd keys round-trip through save, get, page, scan, update and remove", async () => {
      // the boundary keys are exactly 1024 UTF-8 bytes
      expect([utf8("é".repeat(512)), utf8("😀".repeat(256))]).toEqual([1024, 1024]);
      const store = await h.open();
      for (const key of ODD_KEYS) await store.save(T, key, { key });
      for (const key of ODD_KEYS) {
        expect({ key, got: await store.get(T, key) }).toMatchObject({ key, got: { key, value: { key } } });
      }
      const sorted = [...ODD_KEYS].sort(compareCodePoints);
      expect(keysOf((await store.page(T)).result)).toEqual(sorted);
      expect(keysOf(await collect(store.scan(T)))).toEqual(sorted);
      for (const key of ODD_KEYS) await store.update(T, key, () => ({ key, n: 2 }), "1");
      for (const key of ODD_KEYS) expect((await store.get(T, key))?.version).toBe("2");
      expect(await store.types()).toEqual([T]);
      for (const key of ODD_KEYS) await store.remove(T, key, { version: "2" });
      expect((await store.page(T)).pagination.total).toBe(0);
    });

    // A UTF-8 decoder strips a leading U+FEFF (byte order mark) unless told not to.
    h.test("keys and types starting with U+FEFF are listed, counted, truncated and created again", async () => {
      const store = await h.open();
      const keys = ["\uFEFF", "\uFEFFa", "\uFEFF\uFEFFb", "c"];
      const types = ["\uFEFFBom", "\uFEFF"];
      for (const type of types) for (const key of keys) await store.save(type, key, { type, key });
      expect(await store.types()).toEqual([...types].sort(compareCodePoints));
      for (const type of types) {
        const sorted = [...keys].sort(compareCodePoints);
        const page = await store.page(type);
        expect([page.pagination.total, keysOf(page.result)]).toEqual([keys.length, sorted]);
        expect(keysOf(await collect(store.scan(type)))).toEqual(sorted);
        expect(keysOf((await store.page(type, { query: "\uFEFFa" })).result)).toEqual(["\uFEFFa"]);
        await store.truncate(type);
        expect((await store.page(type)).pagination.total).toBe(0);
        await store.save(type, "\uFEFFa", 2); // a create: OBJECT_EXISTS if truncate had missed it
      }
      expect(await store.types()).toEqual([...types].sort(compareCodePoints));
      for (const type of types) await store.remove(type, "\uFEFFa");
      expect(await store.types()).toEqual([]);
    });

    h.test("keys are exact: case, dots and slashes are not normalised", async () => {
      const store = await h.open();
      const family = ["k", "K", "a/b", "a//b", "a/./b", "a/b/", "./a/b", "é", "e\u0301", "%41", "A"];
      for (const [i, key] of family.entries()) await store.save(T, key, i);
      for (const [i, key] of family.entries()) expect({ key, value: (await store.get(T, key))?.value }).toEqual({ key, value: i });
      expect((await store.page(T)).pagination.total).toBe(family.length);
    });

    h.test("odd types round-trip and stay apart", async () => {
      const store = await h.open();
      for (const type of ODD_TYPES) await store.save(type, "k", type);
      for (const type of ODD_TYPES) {
        expect(await store.get(type, "k")).toMatchObject({ type, key: "k", value: type });
        expect(keysOf((await store.page(type)).result)).toEqual(["k"]);
      }
      expect((await store.types()).sort()).toEqual([...ODD_TYPES].sort());
      for (const type of ODD_TYPES) await store.truncate(type);
      expect(await store.types()).toEqual([]);
    });

    h.test("bad types are INVALID_OBJECT_TYPE for every operation, reads included", async () => {
      const store = await h.open();
      for (const [what, type] of BAD_TYPES) {
        for (const [op, call] of [...operations(store, type as string, "k"), ...typeOnlyOperations(store, type as string)]) {
          await expectInvalid(`${op} with type ${what}`, call, "INVALID_OBJECT_TYPE");
        }
      }
      expect(await store.types()).toEqual([]);
    });

    h.test("bad keys are INVALID_KEY for every operation, reads included", async () => {
      const store = await h.open();
      for (const [what, key] of BAD_KEYS) {
        for (const [op, call] of operations(store, T, key as string)) {
          await expectInvalid(`${op} with key ${what}`, call, "INVALID_KEY");
        }
      }
      expect(await store.types()).toEqual([]);
    });

    h.test("a type or key that is not a string is rejected as invalid input", async () => {
      // DESIGN names no code for a non-string; the type/key code and INVALID_ARGUMENT are both accepted.
      const store = await h.open();
      for (const bad of [undefined, null, 5, {}, ["a"]]) {
        for (const [op, call] of typeOnlyOperations(store, bad as never)) {
          await expectInvalid(`${op} with type ${String(bad)}`, call, ["INVALID_OBJECT_TYPE", "INVALID_ARGUMENT"]);
        }
        for (const [op, call] of operations(store, T, bad as never)) {
          await expectInvalid(`${op} with key ${String(bad)}`, call, ["INVALID_KEY", "INVALID_ARGUMENT"]);
        }
      }
      expect(await store.types()).toEqual([]);
    });

    h.test("an invalid key later in a transaction writes nothing", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "b", 1);
          await tx.save(T, "a", 2, "1");
          await tx.save(T, "", 3);
        }),
        InvalidInputError,
        "INVALID_KEY",
      );
      expect(await store.get(T, "b")).toBeUndefined();
      expect(await store.get(T, "a")).toMatchObject({ value: 1, version: "1" });
    });
  });
}
