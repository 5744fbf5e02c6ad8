/** DESIGN §2.4: JSON values only, paths named, nothing written. @module */
import { describe } from "bun:test";
import { InvalidInputError } from "../../mod.ts";
import { expect, expectError, type Harness } from "./harness.ts";

const T = "Value";

class Point {
  x = 1;
}

function cyclic(): unknown {
  const a: Record<string, unknown> = { n: 1 };
  a.self = a;
  return a;
}

function deepCycle(): unknown {
  const inner: unknown[] = [1];
  const outer = { a: { b: inner } };
  inner.push(outer);
  return outer;
}

/** [label, bad value, a path the message must name] */
const BAD_VALUES: [string, unknown, string][] = [
  ["top-level undefined", undefined, "$"],
  ["Date", new Date(0), "$"],
  ["function", () => 1, "$"],
  ["symbol", Symbol("s"), "$"],
  ["BigInt", 10n, "$"],
  ["NaN", NaN, "$"],
  ["Infinity", Infinity, "$"],
  ["-Infinity", -Infinity, "$"],
  ["Map", new Map([["a", 1]]), "$"],
  ["Set", new Set([1]), "$"],
  ["class instance", new Point(), "$"],
  ["RegExp", /x/, "$"],
  ["Uint8Array", new Uint8Array(2), "$"],
  ["lone surrogate string", "a\uD800", "$"],
  ["undefined in an object", { a: { b: undefined } }, "$.a.b"],
  ["undefined in an array", { a: { b: [1, 2, undefined] } }, "$.a.b[2]"],
  ["hole in an array", { list: [1, , 3] }, "$.list[1]"],
  ["NaN deep", { a: { b: [0, 1, NaN] } }, "$.a.b[2]"],
  ["Infinity under a spaced name", { "a b": Infinity }, '$["a b"]'],
  ["Date in an array", [1, [new Date(0)]], "$[1][0]"],
  ["function in an object", { f: () => 1 }, "$.f"],
  ["symbol in an array", [Symbol("s")], "$[0]"],
  ["BigInt in an object", { n: 1n }, "$.n"],
  ["Map in an object", { m: new Map() }, "$.m"],
  ["Set in an array", [new Set()], "$[0]"],
  ["class instance deep", { a: [{ p: new Point() }] }, "$.a[0].p"],
  ["lone surrogate deep", { s: ["ok", "\uDFFF"] }, "$.s[1]"],
  ["lone surrogate in a property name", { "a\uD800": 1 }, '$["a\\ud800"]'],
  ["lone surrogate in a deep property name", { ok: [{ "\uDC00x": "fine" }] }, '$.ok[0]["\\udc00x"]'],
  ["cycle", cyclic(), "$.self"],
  ["cycle through an array", deepCycle(), "$.a.b[1]"],
];

export function valueCases(h: Harness): void {
  describe("input: values", () => {
    h.test("every bad value class is INVALID_VALUE naming its path, and nothing is written", async () => {
      const store = await h.open();
      await store.save(T, "existing", { ok: 1 });
      for (const [label, value, path] of BAD_VALUES) {
        const attempts: [string, () => Promise<unknown>][] = [
          ["save", () => store.save(T, "new", value as never)],
          ["save with version", () => store.save(T, "existing", value as never, "1")],
          ["update", () => store.update(T, "existing", () => value as never)],
          ["tx.save", () => store.transaction((tx) => tx.save(T, "new", value as never))],
        ];
        for (const [op, attempt] of attempts) {
          let error;
          try {
            error = await expectError(attempt(), InvalidInputError, "INVALID_VALUE");
          } catch (e) {
            throw new Error(`${op} of ${label}: ${(e as Error).message}`);
          }
          if (!error.message.includes(path)) {
            throw new Error(`${op} of ${label}: message ${JSON.stringify(error.message)} does not name ${path}`);
          }
        }
      }
      expect(await store.get(T, "new")).toBeUndefined();
      expect(await store.get(T, "existing")).toMatchObject({ value: { ok: 1 }, version: "1" });
      expect(await store.types()).toEqual([T]);
    });

    h.test("an invalid value later in a transaction writes nothing", async () => {
      const store = await h.open();
      await store.save(T, "a", 1);
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "b", 1);
          await tx.save(T, "a", 2, "1");
          await tx.remove(T, "a", { version: "2" });
          await tx.save("Other", "c", { bad: [NaN] });
        }),
        InvalidInputError,
        "INVALID_VALUE",
      );
      await expectError(
        store.transaction(async (tx) => {
          await tx.save(T, "b", 1);
          await tx.update(T, "a", () => ({ when: new Date() }) as never);
        }),
        InvalidInputError,
        "INVALID_VALUE",
      );
      expect(await store.get(T, "b")).toBeUndefined();
      expect(await store.get(T, "a")).toMatchObject({ value: 1, version: "1" });
      expect(await store.types()).toEqual([T]);
    });

    h.test("every JSON value round-trips, top-level scalars included", async () => {
      const store = await h.open();
      const values: unknown[] = [
        null, false, true, 0, 1, -1, 1.5, -2.5e-300, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, "",
        "text", "quote \" backslash \\ newline \n tab \t nul \u0000 del \u007f", "\u2028\u2029", "😀 日本 Ä",
        [], {}, [null, [[]], { a: [{}] }], { "": 1, "a b": 2, "ä": 3, "😀": [true] },
        { nested: { deep: { deeper: { deepest: [1, 2, 3] } } } },
        { "1": "numeric-looking key", b: 2, a: 1 },
        Array.from({ length: 500 }, (_, i) => ({ i, s: `row ${i}` })),
      ];
      for (const [i, value] of values.entries()) await store.save(T, `v${i}`, value as never);
      for (const [i, value] of values.entries()) {
        expect({ i, value: (await store.get(T, `v${i}`))?.value as unknown }).toEqual({ i, value });
      }
      const page = await store.page(T, { pagesize: 100 });
      expect(page.result.map((o) => o.value as unknown)).toEqual(
        values.map((v, i) => [`v${i}`, v] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v),
      );
    });

    h.test("a value nested too deep for the stack is INVALID_VALUE, not a crash, and nothing is written", async () => {
      const store = await h.open();
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      await expectError(store.save(T, "deep", deep as never), InvalidInputError, "INVALID_VALUE");
      expect(await store.get(T, "deep")).toBeUndefined();
      let fine: unknown = 1;
      for (let i = 0; i < 100; i++) fine = { a: fine };
      await store.save(T, "fine", fine as never);
      expect(JSON.stringify((await store.get(T, "fine"))?.value)).toBe(JSON.stringify(fine));
    });

    h.test("a field named __proto__ is kept as data", async () => {
      const store = await h.open();
      const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
      await store.save(T, "p", value);
      const got = (await store.get(T, "p"))?.value as Record<string, unknown>;
      expect(JSON.stringify(got)).toBe('{"__proto__":{"polluted":true},"a":1}');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    h.test("shared (non-cyclic) references are fine and stored as copies", async () => {
      const store = await h.open();
      const shared = { x: 1 };
      await store.save(T, "s", { a: shared, b: shared, list: [shared, shared] });
      const got = (await store.get(T, "s"))?.value as { a: { x: number }; b: { x: number }; list: unknown[] };
      expect(got).toEqual({ a: { x: 1 }, b: { x: 1 }, list: [{ x: 1 }, { x: 1 }] });
      got.a.x = 2;
      expect(((await store.get(T, "s"))?.value as { b: { x: number } }).b.x).toBe(1);
    });
  });
}
