/**
 * A migration script: copies every object from one store to another, then verifies the copy,
 * with the stores given as configs (JSON text), e.g. from a SimpleFileStore folder to a libSQL
 * file. Safe to run again: it never replaces a newer object in the target.
 *
 *   bun examples/migrate.ts '{"Type":"SimpleFileStore","BaseLocation":"./old"}' '{"Type":"LibSQL","url":"file:new.db"}'
 *
 * The same job on the command line: `npx @objstore/objstore migrate --from … --to …`, then
 * `verify`. In your script, import from "@objstore/objstore/node" instead of the path below.
 */
import { createObjectStoreInstance, migrate, type StoreConfig, verify } from "../adapters/node.ts";

/** Copies `from` into `to` and compares them; resolves to what was copied and what differs. */
export async function migrateStores(from: StoreConfig, to: StoreConfig): Promise<{ copied: number; differences: number }> {
  const source = createObjectStoreInstance(from), target = createObjectStoreInstance(to);
  try {
    const result = await migrate({ from: source, to: target });
    const check = await verify({ from: source, to: target });
    return { copied: result.written, differences: check.missing + check.extra + check.different };
  } finally {
    await source.close();
    await target.close();
  }
}

if (import.meta.main) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error("usage: migrate.ts <from config JSON> <to config JSON>");
    process.exit(2);
  }
  const { copied, differences } = await migrateStores(JSON.parse(from), JSON.parse(to));
  console.log(`copied ${copied} objects; ${differences} differences`);
  process.exit(differences === 0 ? 0 : 1);
}
