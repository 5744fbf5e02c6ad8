// examples/deno-kv.ts as a user runs it (deno run --unstable-kv): the HTTP API over Deno KV in a
// file; an object written over HTTP is there after the app restarts.
import { afterAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "./file/runtime.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "objstore-example-kv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the example on a free port; resolves with its URL and a stop function. */
function start(kvPath: string): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["run", "-A", "--unstable-kv", join(root, "examples/deno-kv.ts")], {
      cwd: root,
      env: { ...process.env, PORT: "0", KV_PATH: kvPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        resolve({
          url: match[1]!,
          stop: () => new Promise((done) => {
            proc.once("close", () => done());
            proc.kill("SIGTERM");
          }),
        });
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => reject(new Error(`example exited (${code}): ${output}`)));
  });
}

if (runtime !== "deno") {
  test.skip("examples/deno-kv.ts (skipped: a Deno app; this runs under Deno)", () => {});
} else {
  test("examples/deno-kv.ts serves the API over Deno KV, and data survives a restart", async () => {
    const kvPath = join(dir, "notes.kv");
    let app = await start(kvPath);
    try {
      const put = await fetch(`${app.url}/api/objects/Note/first`, { method: "PUT", body: JSON.stringify({ text: "hello" }), headers: { "content-type": "application/json" } });
      expect(put.status).toBe(201);
      await put.body?.cancel();
    } finally {
      await app.stop();
    }
    app = await start(kvPath);
    try {
      const got = await fetch(`${app.url}/api/objects/Note/first`);
      expect(got.status).toBe(200);
      expect(((await got.json()) as { value: unknown }).value).toEqual({ text: "hello" });
    } finally {
      await app.stop();
    }
  }, 60_000);
}
