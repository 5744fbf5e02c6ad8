// Child process of test/libsql-counter.test.ts: opens the file database given as argv[2]
// through this runtime's entry point (@objstore/objstore/bun, /deno or /node) and runs 4 concurrent
// loops of 100 `update` increments on one counter, retrying lost races; prints "done".
import process from "node:process";

const entry = "Bun" in globalThis ? "../adapters/bun.ts" : "Deno" in globalThis ? "../adapters/deno.ts" : "../adapters/node.ts";
const { createObjectStoreInstance } = await import(entry) as typeof import("../adapters/node.ts");
const store = createObjectStoreInstance({ Type: "LibSQL", url: process.argv[2]! });

async function loop(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await store.transaction((tx) => tx.update("Counter", "hits", (n) => ((n as number | undefined) ?? 0) + 1), { retries: 100_000 });
  }
}

await Promise.all([loop(), loop(), loop(), loop()]);
await store.close();
console.log("done");
