// `objstore serve` (adapters/cli.ts, what `npm start` runs) as a user runs it, on the runtime
// running this test: it starts on the port asked for, logs the store and URL, logs one line
// per request, requires the token from API_TOKEN, and exits 0 on SIGTERM. Plus usage errors.
import { describe, expect, test } from "bun:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort } from "./support/net.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "adapters", "cli.ts");

/** The command running the CLI with this test's runtime. */
function cliCommand(): [string, string[]] {
  if ("Bun" in globalThis) return [process.execPath, [CLI]];
  if ("Deno" in globalThis) return [process.execPath, ["run", "-A", CLI]];
  return [process.execPath, ["--import", pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href, CLI]];
}

describe("objstore serve", () => {
  test("serves the configured store, logs start and one line per request, needs the token, exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const [command, args] = cliCommand();
    const cwd = mkdtempSync(join(tmpdir(), "objstore-cli-"));
    const child: ChildProcess = spawn(command, [...args, "serve", "--port", String(port)], {
      cwd,
      env: { ...process.env, APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}', API_TOKEN: "cli-token", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (chunk) => (out += String(chunk)));
    child.stderr!.on("data", (chunk) => (out += String(chunk)));
    const exited = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? `signal ${signal}: ${out}`)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes(`http://127.0.0.1:${port}`)) {
        if (Date.now() > deadline) throw new Error(`no start line: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(out).toMatch(/serving a Memory store .*http:\/\/127\.0\.0\.1:\d+ \(bearer token required\)/);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/types`)).status).toBe(401);
      const put = await fetch(`${base}/api/objects/T/a%2Fb`, { method: "PUT", body: "{\"x\":1}", headers: { Authorization: "Bearer cli-token" } });
      expect(put.status).toBe(201);
      const get = await fetch(`${base}/api/objects/T/a%2Fb`, { headers: { Authorization: "Bearer cli-token" } });
      expect(get.headers.get("etag")).toMatch(/^"1\.[0-9a-z]+"$/);
      await get.arrayBuffer();
      expect(out).toMatch(/PUT \/api\/objects\/T\/a%2Fb 201 [\d.]+ms/);
      expect(out).toMatch(/GET \/api\/types 401 [\d.]+ms/);
      child.kill("SIGTERM");
      const status = await exited;
      expect(out).toMatch(/SIGTERM, shutting down/);
      // Deno's node:child_process reports the signal it sent instead of the child's exit code
      // (run by hand, the Deno server exits 0); Bun and Node report the real code.
      if (!("Deno" in globalThis)) expect(status).toBe(0);
    } finally {
      child.kill("SIGKILL");
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);

  test("--help exits 0; unknown commands and options exit 2 with usage", () => {
    const [command, args] = cliCommand();
    const run = (...extra: string[]) => spawnSync(command, [...args, ...extra], { encoding: "utf8", cwd: ROOT });
    const help = run("serve", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/objstore serve/);
    expect(run("--help").status).toBe(0);
    const unknown = run("frobnicate");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
    expect(run("serve", "--port", "70000").status).toBe(2);
    expect(run("serve", "--bogus").status).toBe(2);
  }, 60_000);
});
