// Three processes write the same keys (two at a time, moving on every 200 ms) through their own Migrating stores over one From and
// one To (libSQL files), for a few seconds each: saves, versioned saves, updates, removes,
// re-creates and transactions. Afterwards To equals From exactly, with no migration job run,
// and every process reports no mirror failure. (Before mirrors were checked against From, a
// mirror of an older state could land after a newer one: an object missing from To, or a
// removed one back.) The children run on this same runtime.
import { afterAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { collect } from "./conformance/harness.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dir = mkdtempSync(join(tmpdir(), "objstore-migrating-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runtimeArgs(script: string, args: string[]): string[] {
  if ("Bun" in globalThis) return [script, ...args];
  if ("Deno" in globalThis) return ["run", "-A", script, ...args];
  return ["--import", "tsx", script, ...args];
}

function child(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, runtimeArgs(join(here, "migrating-processes-child.ts"), args), { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (chunk) => (output += chunk));
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, output }));
  });
}

test("3 processes hammering the same keys through Migrating stores: To equals From, no failure reported", async () => {
  const from = `file:${join(dir, "from.sqlite")}`, to = `file:${join(dir, "to.sqlite")}`;
  // Both files exist (schema made) before the children race to open them.
  for (const url of [from, to]) {
    const store = createObjectStoreInstance({ Type: "LibSQL", url });
    await store.save("Init", "x", 1);
    await store.close();
  }
  const results = await Promise.all([1, 2, 3].map((seed) => child([from, to, "4000", String(seed)])));
  const reports = results.map((result) => {
    if (result.code !== 0) throw new Error(`child failed (${result.code}): ${result.output}`);
    return JSON.parse(result.output.trim().split("\n").pop()!) as { ops: number; stats: { mirrored: number; failures: number }; mirrorErrors: number };
  });
  const [fromStore, toStore] = [createObjectStoreInstance({ Type: "LibSQL", url: from }), createObjectStoreInstance({ Type: "LibSQL", url: to })];
  const inFrom = await collect(fromStore.scan("H"));
  const inTo = await collect(toStore.scan("H"));
  await fromStore.close();
  await toStore.close();
  expect(inTo).toEqual(inFrom);
  for (const report of reports) {
    expect(report.ops).toBeGreaterThan(20);
    expect(report.mirrorErrors).toBe(report.stats.failures);
  }
  expect(reports.map((r) => r.stats.failures)).toEqual([0, 0, 0]);
}, 60_000);
