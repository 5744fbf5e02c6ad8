/**
 * SimpleFileStore vs plain `node:fs` (the physical floor): get, save, and a page of 20 from
 * 10,000 objects. Run from the repository root with any runtime:
 *
 *   .tools/node_modules/.bin/bun bench/file.ts
 *   node --import tsx bench/file.ts
 *   .tools/node_modules/.bin/deno run -A bench/file.ts
 *
 * The store uses its runtime's binding (bunFileSystem / nodeFileSystem / denoFileSystem); the
 * reference does the same work with `node:fs/promises` directly, in a plain folder of JSON files:
 * get = readFile + JSON.parse; save = read + JSON.stringify + writeFile (no fsync, no rename) and
 * the durable variant writeFile to a temp file + fsync + rename + fsync of the folder; page = readdir + sort + 20 reads.
 * Temp folders go under the system temp dir (set TMPDIR to bench another disk).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { open, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type FileSystem } from "../mod.ts";

declare const Deno: unknown;
declare const Bun: unknown;
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const fileSystem: FileSystem = runtime === "deno"
  ? (await import("../adapters/fs/deno.ts")).denoFileSystem
  : runtime === "bun"
  ? (await import("../adapters/fs/bun.ts")).bunFileSystem
  : (await import("../adapters/fs/node.ts")).nodeFileSystem;

const N = 10_000;
const key = (i: number) => `item-${String(i).padStart(5, "0")}`;
const valueOf = (i: number) => ({ n: i, name: `Item ${i}`, tags: ["a", "b"], score: (i * 7919) % 1000 });

const root = mkdtempSync(join(tmpdir(), "objstore-bench-"));
const base = join(root, "store");
const plain = join(root, "plain");
await (await import("node:fs/promises")).mkdir(base);
await (await import("node:fs/promises")).mkdir(plain);

const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
for (let from = 0; from < N; from += 1000) {
  await store.transaction(async (tx) => {
    for (let i = from; i < from + 1000; i++) await tx.save("Item", key(i), valueOf(i));
  });
}
for (let i = 0; i < N; i++) {
  await writeFile(join(plain, `${key(i)}.json`), JSON.stringify({ key: key(i), version: "1", value: valueOf(i) }));
}

let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % N);

/** Mean µs/op of `iterations` runs of `fn`. */
async function time(iterations: number, fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return ((performance.now() - started) * 1000) / iterations;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
/** Rounds alternate the store and the reference, so load on a shared machine hits both alike. */
const ROUNDS = 5;

const versions = new Map<string, string>();
const rows: [string, number, number, string, number][] = [];
const compare = async (what: string, n: number, ours: () => Promise<unknown>, theirs: () => Promise<unknown>, reference = "plain node:fs") => {
  await time(Math.min(20, n), ours); // warm up
  await time(Math.min(20, n), theirs);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await time(Math.ceil(n / ROUNDS), ours));
    b.push(await time(Math.ceil(n / ROUNDS), theirs));
  }
  const ratio = median(a.map((x, i) => x / b[i]!));
  console.log(`${what}: SimpleFileStore ${median(a).toFixed(1)} µs, ${reference} ${median(b).toFixed(1)} µs, ratio ${ratio.toFixed(2)}`);
  rows.push([what, median(a), median(b), reference, ratio]);
};

await compare("get", 2000, () => store.get("Item", key(random())), async () => JSON.parse(await readFile(join(plain, `${key(random())}.json`), "utf8")));

const saveOurs = async () => {
  const k = key(random());
  const version = versions.get(k) ?? "1";
  const result = await store.save("Item", k, valueOf(1), version);
  versions.set(k, result.version);
};
const savePlain = async () => {
  const path = join(plain, `${key(random())}.json`);
  const current = JSON.parse(await readFile(path, "utf8"));
  await writeFile(path, JSON.stringify({ ...current, version: String(Number(current.version) + 1), value: valueOf(1) }));
};
const saveDurable = async () => {
  const path = join(plain, `${key(random())}.json`);
  const current = JSON.parse(await readFile(path, "utf8"));
  const temp = `${path}.tmp`;
  const handle = await open(temp, "w");
  await handle.writeFile(JSON.stringify({ ...current, version: String(Number(current.version) + 1), value: valueOf(1) }));
  await handle.sync();
  await handle.close();
  await rename(temp, path);
  const dir = await open(plain, "r"); // the rename is durable once the directory is synced
  await dir.sync();
  await dir.close();
};
await compare("save (replace at version)", 300, saveOurs, savePlain);
await compare("save (replace at version)", 300, saveOurs, saveDurable, "node:fs temp+fsync+rename+dir fsync");

await compare("page of 20 at offset 5000 (total 10,000)", 100, () => store.page("Item", { offset: 5000, pagesize: 20 }), async () => {
  const names = (await readdir(plain)).sort();
  return Promise.all(names.slice(5000, 5020).map(async (n) => JSON.parse(await readFile(join(plain, n), "utf8"))));
});
await compare("page of 20 sorted by score:desc", 10, () => store.page("Item", { sort: "score:desc", pagesize: 20 }), async () => {
  const names = await readdir(plain);
  const all = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(plain, n), "utf8"))));
  return all.sort((a, b) => b.value.score - a.value.score || (a.key < b.key ? -1 : 1)).slice(0, 20);
});

console.log(`\n${runtime}: ${N} objects in ${root}\n\n| operation | SimpleFileStore | reference | ratio |`);
console.log("|---|---|---|---|");
for (const [what, a, b, reference, ratio] of rows) {
  console.log(`| ${what} | ${a.toFixed(0)} µs | ${b.toFixed(0)} µs (${reference}) | ${ratio.toFixed(2)}× |`);
}
await store.close();
rmSync(root, { recursive: true, force: true });
