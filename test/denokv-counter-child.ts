// Child process of test/denokv-counter.test.ts (Deno only): opens the Deno KV file given as
// argv[2] through @objstore/objstore/deno and runs 4 concurrent loops of 50 transactions, each
// incrementing three counters, retrying lost races; prints "done".
import process from "node:process";
import { createObjectStoreInstance } from "../adapters/deno.ts";

const store = createObjectStoreInstance({ Type: "DenoKV", path: process.argv[2]! });
const inc = (n: unknown) => ((n as number | undefined) ?? 0) + 1;

async function loop(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await store.transaction(async (tx) => {
      for (const key of ["hits", "a", "b"]) await tx.update("Counter", key, inc);
    }, { retries: 100_000 });
  }
}

await Promise.all([loop(), loop(), loop(), loop()]);
await store.close();
console.log("done");
