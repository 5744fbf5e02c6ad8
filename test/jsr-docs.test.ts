// JSR's view of the package: `deno doc --lint` over every entry point of deno.json finds no
// undocumented export and no public type that references a type users cannot import. The one
// error left is createApp's return type: inferred (so Hono's `hc` client sees the typed routes),
// which JSR also reports as a slow type (`deno publish --dry-run`); an explicit type is still to do.
//
// Runs under Node only: it starts the Deno of .tools itself.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const isNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const deno = join(ROOT, ".tools", "node_modules", "deno", "deno");

describe.skipIf(!isNode)("JSR docs", () => {
  test("deno doc --lint on every entry point: only createApp's inferred return type", () => {
    const entries = Object.values(JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")).exports) as string[];
    const result = spawnSync(deno, ["doc", "--lint", ...entries], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", DENO_DIR: join(ROOT, ".cache", "deno") },
      timeout: 300_000,
    });
    const errors = `${result.stdout}\n${result.stderr}`.split("\n").filter((line) => /^error\[/.test(line));
    expect(errors).toEqual(["error[missing-return-type]: exported function is missing an explicit return type annotation"]);
  }, 300_000);
});
