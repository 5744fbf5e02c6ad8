/**
 * objstore's DenoKV driver against hand-written `Deno.Kv` calls doing the same work on the same
 * database (one type of 20,000 objects by default): get, create, versioned save, page at offset 0
 * with and without the exact total, and a cursor page deep in the type. The raw side keeps its
 * own keys (`["raw", type, key]` → the value with its version and stamps), a counter updated
 * with `sum` for its total, and checks versionstamps as objstore does.
 *
 *   .tools/node_modules/deno/deno run -A --unstable-kv bench/denokv.ts
 *   OBJSTORE_BENCH_OBJECTS=5000 ... for a quicker run
 *
 * @module
 */
import { createObjectStoreInstance } from "../adapters/deno.ts";
import { printComparisons } from "./support.ts";

declare const Deno: {
  openKv(path?: string): Promise<any>;
  env: { get(name: string): string | undefined };
  makeTempDirSync(): string;
  removeSync(path: string, options: { recursive: boolean }): void;
  version: { deno: string };
};
const OBJECTS = Number(Deno.env.get("OBJSTORE_BENCH_OBJECTS") ?? 20_000);
const DEPTH = Math.floor(OBJECTS * 0.9);
const ROUND_MS = Number(Deno.env.get("OBJSTORE_BENCH_ROUND_MS") ?? 150);
const ROUNDS = Number(Deno.env.get("OBJSTORE_BENCH_ROUNDS") ?? 11);
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });

const dir = Deno.makeTempDirSync();
const path = `${dir}/bench.sqlite`;
const store = createObjectStoreInstance({ Type: "DenoKV", path });
const kv = await Deno.openKv(path);
const stamp = new Date().toISOString();

for (let start = 0; start < OBJECTS; start += 100) {
  await store.transaction(async (tx) => {
    for (let i = start; i < Math.min(OBJECTS, start + 100); i++) await tx.save(TYPE, key(i), valueOf(i));
  });
  const op = kv.atomic();
  for (let i = start; i < Math.min(OBJECTS, start + 100); i++) {
    op.set(["raw", TYPE, key(i)], { value: valueOf(i), version: "1", created: stamp, updated: stamp });
  }
  op.sum(["raw-n", TYPE], BigInt(Math.min(OBJECTS, start + 100) - start));
  await op.commit();
}

let seed = 42;
const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
const created = { objstore: 0, raw: 0 };
const updated = { objstore: { key: key(1), version: 1 }, raw: { key: key(2), version: 1 } };
const deepCursor = (await store.page(TYPE, { offset: DEPTH - 100, pagesize: 100 })).next!;
const deepKey = key(DEPTH - 1);
const rawPage = async (start?: string, total = false) => {
  const items = [];
  const selector = start ? { prefix: ["raw", TYPE], start: ["raw", TYPE, start] } : { prefix: ["raw", TYPE] };
  const [count] = await Promise.all([
    total ? kv.get(["raw-n", TYPE]) : undefined,
    (async () => {
      for await (const e of kv.list(selector, { limit: 101 })) if (e.key[2] !== start && items.length < 100) items.push(e.value);
    })(),
  ]);
  return { total: count ? Number(count.value.value) : -1, items };
};

type Side = "objstore" | "raw";
const cases: { name: string; run: Record<Side, () => Promise<unknown>> }[] = [
  { name: "get", run: { objstore: () => store.get(TYPE, key(random(OBJECTS))), raw: () => kv.get(["raw", TYPE, key(random(OBJECTS))]) } },
  {
    name: "save (create)",
    run: {
      objstore: () => store.save(TYPE, `new-o-${created.objstore++}`, valueOf(created.objstore)),
      raw: async () => {
        const k = ["raw", TYPE, `new-r-${created.raw++}`], now = new Date().toISOString();
        const r = await kv.atomic().check({ key: k, versionstamp: null })
          .set(k, { value: valueOf(created.raw), version: "1", created: now, updated: now }).sum(["raw-n", TYPE], 1n).commit();
        if (!r.ok) throw new Error("exists");
      },
    },
  },
  {
    name: "save (update, versioned)",
    run: {
      objstore: async () => {
        const u = updated.objstore;
        u.version = Number((await store.save(TYPE, u.key, valueOf(u.version), String(u.version))).version);
      },
      raw: async () => {
        const u = updated.raw, k = ["raw", TYPE, u.key];
        const current = await kv.get(k);
        if (current.value.version !== String(u.version)) throw new Error("wrong version");
        const r = await kv.atomic().check(current)
          .set(k, { ...current.value, value: valueOf(u.version), version: String(u.version + 1), updated: new Date().toISOString() }).commit();
        if (!r.ok) throw new Error("conflict");
        u.version++;
      },
    },
  },
  { name: "page, offset 0 (100, with total)", run: { objstore: () => store.page(TYPE, { pagesize: 100 }), raw: () => rawPage(undefined, true) } },
  { name: "page, offset 0 (100, total: false)", run: { objstore: () => store.page(TYPE, { pagesize: 100, total: false }), raw: () => rawPage(undefined, false) } },
  { name: `cursor page at ${DEPTH.toLocaleString("en")} (100)`, run: { objstore: () => store.page(TYPE, { cursor: deepCursor, pagesize: 100 }), raw: () => rawPage(deepKey) } },
];

console.log(`${OBJECTS.toLocaleString("en")} objects, Deno KV file, Deno ${Deno.version.deno}, median of ${ROUNDS} rounds of ${ROUND_MS} ms, calls interleaved one by one\n`);
await printComparisons(cases, [{ side: "raw", label: "raw Deno.Kv" }], ROUNDS, ROUND_MS);
await store.close();
kv.close();
Deno.removeSync(dir, { recursive: true });
