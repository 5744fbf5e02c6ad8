// Two Deno processes on one Deno KV file, each running 4 concurrent loops of 50 three-counter
// transactions, end at exactly 400 on every counter: each write's versionstamp check inside the
// atomic operation turns every lost race into a retry, never a lost or torn update.
import { afterAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "./file/runtime.ts";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "objstore-denokv-counter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(path: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["run", "-A", "--unstable-kv", join(here, "denokv-counter-child.ts"), path], {
      cwd: join(here, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    proc.stdout.on("data", (chunk) => (output += chunk));
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, output }));
  });
}

if (runtime !== "deno") {
  test.skip("two Deno processes on one Deno KV file (skipped: Deno KV files are Deno's; this runs under Deno)", () => {});
} else {
  test("two processes x 4 loops x 50 three-counter transactions end at exactly 400 each", async () => {
    const path = join(dir, "counter.sqlite");
    const results = await Promise.all([child(path), child(path)]);
    for (const result of results) {
      if (result.code !== 0) throw new Error(`child failed (${result.code}): ${result.output}`);
      expect(result.output).toContain("done");
    }
    const { createObjectStoreInstance } = await import("../adapters/deno.ts");
    const store = createObjectStoreInstance({ Type: "DenoKV", path });
    for (const key of ["hits", "a", "b"]) {
      const counter = await store.get("Counter", key);
      expect([key, counter?.value, counter?.version]).toEqual([key, 400, "400"]);
    }
    expect((await store.page("Counter")).pagination.total).toBe(3);
    await store.close();
  }, 180_000);
}
