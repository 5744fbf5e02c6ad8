// Two processes, each running 4 concurrent update loops of 100 increments on one counter in
// one `file:` database, end at exactly 800: the version check inside the write statement
// makes every lost race a retry, never a lost update. The children run on this same runtime.
import { afterAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createObjectStoreInstance } from "../adapters/node.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dir = mkdtempSync(join(tmpdir(), "objstore-counter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runtimeArgs(script: string, url: string): string[] {
  if ("Bun" in globalThis) return [script, url];
  if ("Deno" in globalThis) return ["run", "-A", script, url];
  return ["--import", "tsx", script, url];
}

function child(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, runtimeArgs(join(here, "libsql-counter-child.ts"), url), {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    proc.stdout.on("data", (chunk) => (output += chunk));
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, output }));
  });
}

test("two processes x 4 concurrent update loops x 100 increments end at exactly 800", async () => {
  const url = `file:${join(dir, "counter.sqlite")}`;
  const results = await Promise.all([child(url), child(url)]);
  for (const result of results) {
    if (result.code !== 0) throw new Error(`child failed (${result.code}): ${result.output}`);
    expect(result.output).toContain("done");
  }
  const store = createObjectStoreInstance({ Type: "LibSQL", url });
  const counter = await store.get("Counter", "hits");
  expect(counter?.value).toBe(800);
  expect(counter?.version).toBe("800");
  await store.close();
}, 180_000);
