/**
 * Bulk load into a libSQL file: objstore transactions of `BATCH` creates against a raw
 * `@libsql/client` batch of `INSERT … ON CONFLICT DO NOTHING` of the same rows, each into its own
 * fresh database file, alternating which goes first. Prints objects/s and the ratio.
 *
 *   .tools/node_modules/bun/bin/bun.exe bench/bulk.ts          # OBJSTORE_BENCH_OBJECTS=1000000 for 1M
 *   node --import tsx bench/bulk.ts
 *
 * @module
 */
import { createClient } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { isMain } from "./support.ts";

const OBJECTS = Number(process.env.OBJSTORE_BENCH_OBJECTS ?? 100_000);
const BATCH = Number(process.env.OBJSTORE_BENCH_BATCH ?? 1000);
const ROUNDS = Number(process.env.OBJSTORE_BENCH_ROUNDS ?? 3);
const TYPE = "Bench";
const key = (i: number) => `item-${String(i).padStart(7, "0")}`;
const valueOf = (i: number) => ({ i, name: `Name ${i}`, group: i % 100, tags: ["a", "b", String(i % 7)], active: i % 2 === 0 });
const ascii = (text: string) => /^[\x00-\x7f]*$/.test(text);

const dir = mkdtempSync(join(tmpdir(), "objstore-bulk-"));
let files = 0;

/** objstore: transactions of BATCH creates. Returns seconds. */
export async function loadObjstore(objects: number): Promise<number> {
  const url = `file:${join(dir, `o${files++}.sqlite`)}`;
  const store = createObjectStoreInstance({ Type: "LibSQL", url });
  await store.save("Warm", "up", 1); // schema creation is not part of the load
  const start = performance.now();
  for (let s = 0; s < objects; s += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = s; i < Math.min(objects, s + BATCH); i++) await tx.save(TYPE, key(i), valueOf(i));
    });
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return seconds;
}

/** Raw: the same rows, one `batch` of INSERT … ON CONFLICT DO NOTHING per BATCH. Returns seconds. */
export async function loadRaw(objects: number): Promise<number> {
  const url = `file:${join(dir, `r${files++}.sqlite`)}`;
  // objstore's schema and pragmas, so both write the same table.
  const setup = createObjectStoreInstance({ Type: "LibSQL", url });
  await setup.save("Warm", "up", 1);
  await setup.close();
  const raw = createClient({ url });
  await raw.execute("PRAGMA journal_mode = WAL");
  const sql = `INSERT INTO "objstore_objects" (type, key, value, version, created, updated, search) VALUES (?, ?, ?, '1', ?, ?, ?) ON CONFLICT DO NOTHING`;
  const start = performance.now();
  for (let s = 0; s < objects; s += BATCH) {
    const now = new Date().toISOString();
    const statements = [];
    for (let i = s; i < Math.min(objects, s + BATCH); i++) {
      const k = key(i);
      const json = JSON.stringify(valueOf(i));
      statements.push({ sql, args: [TYPE, k, json, now, now, ascii(k + json) ? null : `${k}\n${json}`.toLowerCase()] });
    }
    await raw.batch(statements, "write");
  }
  const seconds = (performance.now() - start) / 1000;
  raw.close();
  return seconds;
}

/** Removes the databases the loads made. */
export function cleanUp(): void {
  rmSync(dir, { recursive: true, force: true });
}

if (isMain(import.meta)) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const o: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2) o.push(await loadObjstore(OBJECTS)), r.push(await loadRaw(OBJECTS));
    else r.push(await loadRaw(OBJECTS)), o.push(await loadObjstore(OBJECTS));
  }
  const runtime = "Bun" in globalThis ? "Bun" : "Deno" in globalThis ? "Deno" : `Node ${process.version}`;
  console.log(`${OBJECTS.toLocaleString("en")} creates in transactions of ${BATCH} (${runtime}, median of ${ROUNDS}):`);
  console.log(`objstore ${median(o).toFixed(2)} s (${Math.round(OBJECTS / median(o)).toLocaleString("en")}/s), raw batch ${median(r).toFixed(2)} s, ratio ${(median(o) / median(r)).toFixed(2)}×`);
  cleanUp();
}
