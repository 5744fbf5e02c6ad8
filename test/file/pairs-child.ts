/**
 * Child of the read-isolation test: opens the SimpleFileStore at argv[0] and, until killed,
 * commits transactions that set keys k0..k4 of type "Pair" all to `{ n }` with n = 1, 2, 3, ...
 * Prints `ready` after the first commit.
 */
import process from "node:process";
import "../../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../../mod.ts";
import { fileSystem } from "./runtime.ts";

const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: process.argv[2]! }, { fileSystem });
for (let n = 1; ; n++) {
  await store.transaction(async (tx) => {
    for (let i = 0; i < 5; i++) {
      const current = await tx.get("Pair", `k${i}`);
      await tx.save("Pair", `k${i}`, { n }, current?.version);
    }
  });
  if (n === 1) process.stdout.write("ready\n");
}
