/**
 * `get` of two objstore trees side by side in one process (calls interleaved, as bench/support.ts
 * times them), with unstorage's memory store and the Map floor of bench/memory.ts in the same
 * rounds: for a change to the get path, where single runs move by ±30% on a shared machine.
 *
 *     git worktree add /tmp/base <commit>   # the tree to compare with (its node_modules linked)
 *     node --import tsx bench/get-ab.ts /tmp/base/mod.ts
 *     .tools/node_modules/bun/bin/bun.exe bench/get-ab.ts /tmp/base/mod.ts
 *     .tools/node_modules/deno/deno run -A bench/get-ab.ts /tmp/base/mod.ts
 *
 * @module
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { createStorage } from "unstorage";
import { createObjectStoreInstance } from "../mod.ts";
import { measure, runtimeName } from "./support.ts";

const other = process.argv[2] ?? (globalThis as { Deno?: { args: string[] } }).Deno?.args[0];
if (!other) throw new Error("usage: bench/get-ab.ts <other tree>/mod.ts");
const base = (await import(pathToFileURL(other).href)) as typeof import("../mod.ts");

const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const N = 10_000;
const before = base.createObjectStoreInstance(), after = createObjectStoreInstance(), unstorage = createStorage();
const map = new Map<string, ReturnType<typeof valueOf>>();
for (let i = 0; i < N; i++) {
  await before.save("Small", key(i), valueOf(i));
  await after.save("Small", key(i), valueOf(i));
  await unstorage.setItem(`Small:${key(i)}`, valueOf(i));
  map.set(`Small:${key(i)}`, valueOf(i));
}
let r = 0;
const pick = () => key((r = (Math.imul(r, 1103515245) + 12345) & 0x7fffffff) % N);
console.log(`${runtimeName()}; ${other} (before) against this tree (after); µs per get, and ÷ unstorage`);
for (let run = 0; run < 3; run++) {
  const m = await measure({
    before: () => before.get("Small", pick()),
    after: () => after.get("Small", pick()),
    unstorage: () => unstorage.getItem(`Small:${pick()}`),
    floor: async () => {
      const v = map.get(`Small:${pick()}`);
      return v && { ...v, tags: [...v.tags] };
    },
  }, 9, 200);
  const us = (name: string) => (m[name]! * 1000).toFixed(2);
  const per = (name: string) => (m[name]! / m.unstorage!).toFixed(2);
  console.log(`before ${us("before")} (${per("before")}×)  after ${us("after")} (${per("after")}×)  unstorage ${us("unstorage")}  floor ${us("floor")} (${per("floor")}×)`);
}
