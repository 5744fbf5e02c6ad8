// JSR's view of the package: `deno doc --lint` over every entry point of deno.json finds no
// undocumented export, no public type that references a type users cannot import and no
// inferred return type; `deno publish --dry-run` finds no slow type (createApp has an explicit
// return type, ObjstoreApp, which keeps its routes typed for Hono's `hc` client).
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
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", DENO_DIR: join(ROOT, ".cache", "deno") };

  test("deno doc --lint on every entry point: no error", () => {
    const entries = Object.values(JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")).exports) as string[];
    const result = spawnSync(deno, ["doc", "--lint", ...entries], {
      cwd: ROOT,
      encoding: "utf8",
      env,
      timeout: 300_000,
    });
    const errors = `${result.stdout}\n${result.stderr}`.split("\n").filter((line) => /^error/.test(line));
    expect(errors).toEqual([]);
    expect(result.status).toBe(0);
  }, 300_000);

  test("deno publish --dry-run: no slow type, no other problem", () => {
    const result = spawnSync(deno, ["publish", "--dry-run", "--allow-dirty"], { cwd: ROOT, encoding: "utf8", env, timeout: 300_000 });
    const out = `${result.stdout}\n${result.stderr}`;
    expect({ status: result.status, problems: out.split("\n").filter((line) => /^(error|warning)/.test(line)) }).toEqual({ status: 0, problems: [] });
    expect(out).toContain("Success Dry run complete");
    // The OpenAPI builder runs at build time only; JSR gets the document it generated.
    expect(out).toContain("src/http/openapi-document.ts");
    expect(out).not.toContain("src/http/openapi.ts");
  }, 300_000);
});
