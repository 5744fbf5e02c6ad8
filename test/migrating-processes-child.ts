// Child process of test/migrating-processes.test.ts: opens a Migrating store over the From and
// To libSQL files given as argv[2] and argv[3] (through this runtime's entry point) and, for
// argv[4] ms, runs 3 concurrent loops of random saves, versioned saves, updates, removes,
// re-creates and 2-key transactions on two hot keys at a time, tolerating the conflicts they cause.
// Prints one JSON line: operations done, stats() and the onMirrorError count.
import { createClient } from "@libsql/client";
import process from "node:process";

const entry = "Bun" in globalThis ? "../adapters/bun.ts" : "Deno" in globalThis ? "../adapters/deno.ts" : "../adapters/node.ts";
const { createObjectStoreInstance } = await import(entry) as typeof import("../adapters/node.ts");
const [fromUrl, toUrl, duration, seedText] = process.argv.slice(2) as [string, string, string, string];
let mirrorErrors = 0;
// The hot keys move on every 200 ms (the processes share the clock): every pair of keys gets a
// burst of racing writes from all processes and is then left as the race ended.
const hotKeys = () => {
  const window = Math.floor(Date.now() / 200);
  return [`w${window}-a`, `w${window}-b`];
};
let seed = Number(seedText);
const random = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
// To is slow (a remote backend, say): each of its calls waits 0-60 ms first, so the mirrors of
// different processes interleave the way they do in production.
const slow = (url: string) => url === toUrl;
const libsqlCreateClient = ((config: { url: string }) => {
  const client = createClient(config);
  if (!slow(config.url)) return client;
  return new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (name !== "execute" && name !== "batch") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, random(60)));
        return value.apply(target, args);
      };
    },
  });
}) as NonNullable<import("../mod.ts").CreateOptions["libsqlCreateClient"]>;
const store = createObjectStoreInstance(
  { Type: "Migrating", From: { Type: "LibSQL", url: fromUrl }, To: { Type: "LibSQL", url: toUrl } },
  { onMirrorError: () => void mirrorErrors++, libsqlCreateClient },
) as import("../mod.ts").MigratingObjectStore;
const EXPECTED = new Set(["WRONG_OBJECT_VERSION", "OBJECT_EXISTS", "OBJECT_MISSING"]);
let ops = 0;

async function step(): Promise<void> {
  const keys = hotKeys();
  const key = keys[random(keys.length)]!;
  switch (random(7)) {
    case 0:
      return void await store.save("H", key, { by: seedText, n: ops });
    case 1: {
      const current = await store.get("H", key);
      return void await store.save("H", key, { by: seedText, v: ops }, current?.version ?? "1");
    }
    case 2:
      return void await store.update("H", key, (v) => ({ ...(v as object ?? {}), n: ops }));
    case 3:
      return void await store.remove("H", key, { ignoreMissing: true });
    case 4:
      return void await store.remove("H", key);
    case 5:
      return void await store.transaction(async (tx) => {
        await tx.save("H", key, { tx: ops });
        await tx.remove("H", keys[(keys.indexOf(key) + 1) % keys.length]!, { ignoreMissing: true });
      });
    default: {
      const current = await store.get("H", key);
      if (current) await store.remove("H", key, { version: current.version });
      return void await store.save("H", key, { recreated: ops });
    }
  }
}

const end = Date.now() + Number(duration);
async function loop(): Promise<void> {
  while (Date.now() < end) {
    try {
      await step();
    } catch (e) {
      if (!EXPECTED.has((e as { code?: string }).code ?? "")) throw e;
    }
    ops++;
  }
}

await Promise.all([loop(), loop(), loop()]);
await store.close();
console.log(JSON.stringify({ ops, stats: store.stats(), mirrorErrors }));
