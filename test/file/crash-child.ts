/**
 * Child of the crash test: opens the SimpleFileStore at argv[0] and commits random
 * multi-object transactions until it is killed. Before each commit it prints the plan as one
 * JSON line (and waits until the line is written), after it `ok <id>`; so the parent knows which
 * commits finished and which one may have been cut by its SIGKILL.
 *
 * Plan: `{ id, truncate?: type, writes: [{ type, key, op: "save" | "remove" }] }`; a save stores
 * `{ id, key }` at the current version (or creates), a remove ignores a missing object.
 */
import process from "node:process";
import "../../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../../mod.ts";
import { fileSystem } from "./runtime.ts";

const [base, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0 || 1;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const TYPES = ["Alpha", "Beta"];
const KEYS = ["a", "b", "c", "D", "e/f", "g h", "i..j", "K%L"];

const print = (line: string) => new Promise<void>((resolve) => process.stdout.write(line + "\n", () => resolve()));

const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base! }, { fileSystem });
await store.types(); // open (recovers the previous round's crash)
await print("ready");
for (let id = Date.now() * 1000; ; id++) {
  const truncate = random() < 0.1 ? pick(TYPES) : undefined;
  const count = 2 + Math.floor(random() * 5);
  const chosen = new Map<string, { type: string; key: string; op: "save" | "remove" }>();
  while (chosen.size < count) {
    const type = pick(TYPES);
    const key = pick(KEYS);
    chosen.set(`${type}\n${key}`, { type, key, op: random() < 0.2 ? "remove" : "save" });
  }
  const writes = [...chosen.values()];
  await print(JSON.stringify({ id, truncate, writes }));
  await store.transaction(async (tx) => {
    if (truncate) await tx.truncate(truncate);
    for (const w of writes) {
      if (w.op === "remove") {
        await tx.remove(w.type, w.key, { ignoreMissing: true });
        continue;
      }
      const current = await tx.get(w.type, w.key);
      await tx.save(w.type, w.key, { id, key: w.key }, current?.version);
    }
  });
  process.stdout.write(`ok ${id}\n`);
}
