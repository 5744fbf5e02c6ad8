import { describe, expect, test } from "bun:test";
import { orderedIndex } from "../src/drivers/memory-index.ts";
import { compareCodePoints, orderKey } from "../src/query.ts";

describe("Memory's ordered index", () => {
  test("random inserts, replaces and deletes across chunk splits agree with a sorted array", () => {
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const keys = ["\uFF5E", "\u{1F600}", "é", "a b", "B"];
    type E = { key: string; order: string; n: number };
    const model = new Map<string, E>();
    const index = orderedIndex<E>([]);
    for (let step = 0; step < 6000; step++) {
      const key = random(10) === 0 ? keys[random(keys.length)]! + random(50) : `k${random(3000)}`;
      if (random(4) === 0) {
        model.delete(key);
        index.delete(key);
      } else if (!model.has(key)) {
        const entry = { key, order: orderKey(key), n: step };
        model.set(key, entry);
        index.add(entry);
      }
      // Reads in between merge pending entries one by one; long runs without reads, by a rebuild.
      if (step % 97 === 0 && step % 3000 > 1500) index.countThrough("k5");
      if (step % 500 === 0 || step === 5999) {
        const sorted = [...model.values()].sort((a, b) => compareCodePoints(a.key, b.key));
        expect(index.size).toBe(sorted.length);
        expect([...index]).toEqual(sorted);
        expect(index.slice(1000, 1010)).toEqual(sorted.slice(1000, 1010));
        expect([...index.from(Math.max(0, sorted.length - 3))]).toEqual(sorted.slice(-3));
        for (const probe of ["k1", "k2999", "", "\u{1F600}", "zzz", sorted[700]?.key ?? "k7"]) {
          expect(index.countThrough(probe)).toBe(sorted.filter((e) => compareCodePoints(e.key, probe) <= 0).length);
        }
      }
    }
    expect(orderedIndex([{ key: "b", order: "b" }, { key: "a", order: "a" }]).slice(0, 1)).toEqual([{ key: "a", order: "a" }]);
  });
});
