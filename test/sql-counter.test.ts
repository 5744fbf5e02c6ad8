// Four processes on one counter, on each SQL server: each runs 250 `update` increments and 50
// three-key transactions at once. The version check inside each commit's transaction makes
// every lost race a retry (and a deadlock a retried rollback), never a lost or doubled update:
// the counter ends at exactly 1000 and each of the three keys at 200. Bun runs the full count;
// Deno and Node run 4 x (60 + 12) so the three runtimes together stay within CI's time budget.
import { expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { useSqlServer } from "./support/sql-servers.ts";

const ROUNDS = "Bun" in globalThis ? 250 : 60;
const here = dirname(fileURLToPath(import.meta.url));

function child(url: string, prefix: string, rounds: number): Promise<{ code: number | null; output: string }> {
  const script = join(here, "sql-counter-child.ts");
  const args = "Bun" in globalThis ? [script] : "Deno" in globalThis ? ["run", "-A", script] : ["--import", "tsx", script];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...args, url, prefix, String(rounds)], { cwd: join(here, ".."), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (chunk) => (output += chunk));
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, output }));
  });
}

for (const kind of ["mysql", "postgres"] as const) {
  const server = await useSqlServer(kind);
  if (!server.ready) continue;
  test(`${kind}: 4 processes x (${ROUNDS} updates + ${ROUNDS / 5} three-key transactions) end exact`, async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => child(server.url, "counter", ROUNDS)));
    for (const result of results) {
      if (result.code !== 0) throw new Error(`child failed (${result.code}): ${result.output}`);
      expect(result.output).toContain("done");
    }
    const store = createObjectStoreInstance({ Type: "SQLAlchemy", connectionString: server.url, objectPrefix: "counter" });
    const hits = await store.get("Counter", "hits");
    expect([hits?.value, hits?.version]).toEqual([4 * ROUNDS, String(4 * ROUNDS)]);
    for (const key of ["x", "y", "z"]) expect((await store.get("Counter", key))?.value).toBe((4 * ROUNDS) / 5);
    await store.close();
  }, 300_000);
}
