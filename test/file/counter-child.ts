/**
 * Child of the two-process test: opens the SimpleFileStore at argv[0] and runs argv[1]
 * concurrent loops of argv[2] increments of one counter, each an `update` in a transaction
 * re-run on conflicts. Prints `done <increments>` and exits 0.
 */
import process from "node:process";
import "../../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../../mod.ts";
import { fileSystem } from "./runtime.ts";

const [base, loopsText, incrementsText] = process.argv.slice(2);
const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base! }, { fileSystem });

let done = 0;
const loop = async () => {
  for (let i = 0; i < Number(incrementsText); i++) {
    await store.transaction((tx) => tx.update("Counter", "hits", (n) => ((n as number | undefined) ?? 0) + 1), { retries: 100_000 });
    done++;
  }
};
await Promise.all(Array.from({ length: Number(loopsText) }, loop));
await store.close();
process.stdout.write(`done ${done}\n`, () => process.exit(0));
