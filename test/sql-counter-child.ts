// Child process of test/sql-counter.test.ts: opens the SQLAlchemy URL argv[2] (table prefix
// argv[3]) through this runtime's entry point and runs, concurrently, argv[4] (250) `update`
// increments of one counter and argv[4] / 5 (50) transactions that increment three keys (in a shuffled order, so
// sessions lock rows in different orders), retrying lost races; prints "done".
import process from "node:process";

const entry = "Bun" in globalThis ? "../adapters/bun.ts" : "Deno" in globalThis ? "../adapters/deno.ts" : "../adapters/node.ts";
const { createObjectStoreInstance } = await import(entry) as typeof import("../adapters/node.ts");
const store = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: process.argv[2]!, objectPrefix: process.argv[3]! });
const rounds = Number(process.argv[4]);
const inc = (n: unknown) => ((n as number | undefined) ?? 0) + 1;

async function updates(): Promise<void> {
  for (let i = 0; i < rounds; i++) await store.update("Counter", "hits", inc).catch(async (e) => {
    if ((e as { code?: string }).code !== "WRONG_OBJECT_VERSION" && (e as { code?: string }).code !== "OBJECT_EXISTS") throw e;
    await store.transaction((tx) => tx.update("Counter", "hits", inc), { retries: 100_000 });
  });
}

async function triples(): Promise<void> {
  for (let i = 0; i < rounds / 5; i++) {
    const keys = ["x", "y", "z"].sort(() => Math.random() - 0.5);
    await store.transaction(async (tx) => {
      for (const key of keys) await tx.update("Counter", key, inc);
    }, { retries: 100_000 });
  }
}

await Promise.all([updates(), triples()]);
await store.close();
console.log("done");
