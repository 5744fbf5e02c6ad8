/**
 * The quick-start example (`bun examples/quickstart.ts`, or Node/Deno): creates a store from
 * APIAPP_OBJECTSTORECONFIG (Memory when unset), writes, updates, pages and prints.
 */
import { createObjectStoreFromEnv, WrongObjectVersionError } from "../adapters/node.ts";

const store = createObjectStoreFromEnv(process.env);
console.log(`store: ${store.kind}`);

const people = [
  { key: "ann", value: { name: "Ann", age: 34, city: "Leeds" } },
  { key: "bob", value: { name: "Bob", age: 27, city: "York" } },
  { key: "cat", value: { name: "Cat", age: 41, city: "Leeds" } },
];
await store.transaction(async (tx) => {
  for (const p of people) if (!(await tx.get("Person", p.key))) await tx.save("Person", p.key, p.value);
});

const ann = await store.get("Person", "ann");
console.log(`got ann at version ${ann?.version}`);
const saved = await store.save("Person", "ann", { ...(ann!.value as object), age: 35 }, ann!.version);
console.log(`saved ann: version ${saved.version}`);
try {
  await store.save("Person", "ann", { name: "stale" }, ann!.version);
} catch (e) {
  if (e instanceof WrongObjectVersionError) console.log(`stale write refused: ${e.code}`);
  else throw e;
}

const page = await store.page("Person", { query: "leeds", sort: "age:desc", pagesize: 10 });
console.log(`people in Leeds, oldest first (${page.pagination.total}):`);
for (const o of page.result) console.log(`  ${o.key} v${o.version} ${JSON.stringify(o.value)}`);
console.log(`types: ${(await store.types()).join(", ")}`);
await store.close();
