/**
 * Memory driver figures, each against its peer in the same run: get and writes against
 * unstorage's and keyv's memory stores and a plain Map (the floor: a lookup and a hand-written
 * copy, also behind one await; the floor's own row against unstorage is the best ratio any get
 * could reach), a versioned save against a create, a create into a paged 100k type against one
 * into an unpaged type, and a sorted page against a hand-written top-k scan of the same objects.
 *
 *   .tools/node_modules/bun/bin/bun.exe bench/memory.ts
 *   node --import tsx bench/memory.ts
 *   .tools/node_modules/deno/deno run -A bench/memory.ts
 *
 * @module
 */
import Keyv from "keyv";
import { createStorage } from "unstorage";
import { createObjectStoreInstance } from "../mod.ts";
import { formatMs, isMain, measure } from "./support.ts";

/** One row of a figure table: objstore's time, its peer's, and the ratio. */
export interface Figure {
  name: string;
  ours: number;
  peer: number;
  peerName: string;
}

const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });
/** The floor's copy out: a hand-written copy of this value shape. */
const copy = (v: ReturnType<typeof valueOf>) => ({ ...v, tags: [...v.tags] });
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;

/** Runs the Memory figures (`size` objects in the big type). */
export async function memoryFigures(size = 100_000): Promise<Figure[]> {
  const figures: Figure[] = [];
  const store = createObjectStoreInstance({ Type: "Memory" });
  const unstorage = createStorage();
  const keyv = new Keyv();
  const map = new Map<string, unknown>();
  const N = 10_000;
  for (let i = 0; i < N; i++) {
    await store.save("Small", key(i), valueOf(i));
    await unstorage.setItem(`Small:${key(i)}`, valueOf(i));
    await keyv.set(`Small:${key(i)}`, valueOf(i));
    map.set(`Small:${key(i)}`, structuredClone(valueOf(i)));
  }
  let r = 0;
  const pick = () => key((r = (Math.imul(r, 1103515245) + 12345) & 0x7fffffff) % N);
  const get = await measure({
    objstore: () => store.get("Small", pick()),
    unstorage: () => unstorage.getItem(`Small:${pick()}`),
    keyv: () => keyv.get(`Small:${pick()}`),
    map: () => {
      const v = map.get(`Small:${pick()}`);
      return v === undefined ? v : copy(v as ReturnType<typeof valueOf>);
    },
    // The same floor behind one await, as any async store's get is.
    mapAwaited: async () => {
      const v = map.get(`Small:${pick()}`);
      return v === undefined ? v : copy(v as ReturnType<typeof valueOf>);
    },
  }, undefined, 200);
  for (const peer of ["unstorage", "keyv", "map", "mapAwaited"]) figures.push({ name: "get", ours: get.objstore!, peer: get[peer]!, peerName: peer === "mapAwaited" ? "map, awaited" : peer });
  figures.push({ name: "get, the Map floor in objstore's place", ours: get.map!, peer: get.unstorage!, peerName: "unstorage" });

  let c = 0;
  const create = await measure({
    objstore: () => store.save("New", `n${c++}`, valueOf(c)),
    unstorage: () => unstorage.setItem(`New:n${c}`, valueOf(c)),
    keyv: () => keyv.set(`New:n${c}`, valueOf(c)),
  }, undefined, 100);
  for (const peer of ["unstorage", "keyv"]) figures.push({ name: "save (create)", ours: create.objstore!, peer: create[peer]!, peerName: peer });

  let version = 1;
  await store.save("Upd", "u", valueOf(0));
  let c2 = 0;
  const versioned = await measure({
    versioned: async () => {
      version = Number((await store.save("Upd", "u", valueOf(version), version)).version);
    },
    create: () => store.save("New2", `n${c2++}`, valueOf(c2)),
    unstorage: () => unstorage.setItem("Upd:u", valueOf(version)),
  }, undefined, 100);
  figures.push({ name: "save (versioned)", ours: versioned.versioned!, peer: versioned.create!, peerName: "objstore create" });
  figures.push({ name: "save (versioned)", ours: versioned.versioned!, peer: versioned.unstorage!, peerName: "unstorage" });

  // A big type that has been paged (its ordered index is built) against one that has not.
  for (const type of ["Paged", "Unpaged"]) {
    await store.transaction(async (tx) => {
      for (let i = 0; i < size; i++) await tx.save(type, key(i * 2), valueOf(i));
    });
  }
  await store.page("Paged", { pagesize: 1 });
  // Random odd slots between the seeded keys; the counter keeps every new key unique.
  let p = 0;
  let made = 0;
  const fresh = () => key(((p = (Math.imul(p, 1103515245) + 12345) & 0x7fffffff) % size) * 2 + 1) + `-${made++}`;
  const paged = await measure({
    paged: () => store.save("Paged", fresh(), valueOf(p)),
    unpaged: () => store.save("Unpaged", fresh(), valueOf(p)),
  }, undefined, 20);
  figures.push({ name: `create into a paged ${size.toLocaleString("en")} type`, ours: paged.paged!, peer: paged.unpaged!, peerName: "unpaged type" });

  // Sorted page: objstore against a top-k scan of a Map holding the same values.
  const values = new Map<string, { group: number; i: number }>();
  for await (const o of store.scan("Paged")) values.set(o.key, o.value as { group: number; i: number });
  const topK = () => {
    const k = 20;
    const best: [number, string, unknown][] = [];
    for (const [key, v] of values) {
      const g = v.group;
      if (best.length === k && (g < best[k - 1]![0] || (g === best[k - 1]![0] && key > best[k - 1]![1]))) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1]![0] < g || (best[at - 1]![0] === g && best[at - 1]![1] > key))) at--;
      best.splice(at, 0, [g, key, v]);
      if (best.length > k) best.pop();
    }
    return best.map(([, key, v]) => ({ key, value: copy(v as ReturnType<typeof valueOf>) }));
  };
  const sorted = await measure({ objstore: () => store.page("Paged", { sort: "group:desc", pagesize: 20 }), topK }, 5);
  figures.push({ name: `sorted page of ${size.toLocaleString("en")} (20, by a field)`, ours: sorted.objstore!, peer: sorted.topK!, peerName: "top-k scan of a Map" });
  await store.close();
  return figures;
}

/** Prints figures as a Markdown table. */
export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n${title}\n`);
  console.log("| figure | objstore | peer | peer time | objstore/peer (time per op) |");
  console.log("|---|---:|---|---:|---:|");
  for (const f of figures) console.log(`| ${f.name} | ${formatMs(f.ours)} | ${f.peerName} | ${formatMs(f.peer)} | ${(f.ours / f.peer).toFixed(2)}× |`);
}

if (isMain(import.meta)) printFigures("Memory", await memoryFigures(Number(globalThis.process?.env?.OBJSTORE_BENCH_OBJECTS ?? 100_000)));
