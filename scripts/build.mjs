// `npm run build` (also run by `prepack`, and by the package test, test/package/): the npm
// package's dist/ from the TypeScript sources.
//   0. src/http/openapi-document.ts regenerated from the route schemas (scripts/openapi.mjs), so
//      dist/ serves the document of the schemas it validates with;
//   1. tsc -p tsconfig.build.json: ESM JavaScript and .d.ts (no source maps), one file per source
//      file, so each driver stays its own module (loaded on first use); relative `.ts`
//      specifiers become `.js` (rewriteRelativeImportExtensions; tsc leaves them in .d.ts, so
//      the script rewrites those).
//   2. dist/vendor/valibot.js: the valibot functions the schemas use (see vendorValibot);
//   3. dist/bin/objstore.js: the `objstore` command for Node (adapters/cli.ts), bundled by
//      esbuild with Hono, @hono/node-server and valibot inside, so `npx @objstore/objstore serve` needs nothing but
//      Node; optional driver clients (@libsql/client, mysql2, postgres) stay external.
// JSR publishes the TypeScript sources (deno.json), not dist/.
//
//   node scripts/build.mjs

import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { generate as generateOpenApi } from "./openapi.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

export async function build() {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  if (await generateOpenApi()) console.log("[build] regenerated src/http/openapi-document.ts (the route schemas changed)");
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit code ${tsc.status ?? tsc.error?.message})`);

  // tsc keeps `.ts` in relative specifiers of declaration files: point them at the .d.ts of the .js.
  for (const file of walk(DIST).filter((f) => f.endsWith(".d.ts"))) {
    const text = readFileSync(file, "utf8");
    const fixed = text.replace(/((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g, "$1$2.js$3");
    if (fixed !== text) writeFileSync(file, fixed);
  }

  const { build: esbuild } = await import("esbuild");
  await vendorValibot(esbuild);
  await esbuild({
    entryPoints: { objstore: join(ROOT, "adapters", "cli.ts") },
    outdir: join(DIST, "bin"),
    bundle: true,
    splitting: true, // `serve` does not load the migration code, and the reverse
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: false, // the bin bundles Hono and valibot: maps would triple the install
    minify: true,
    external: ["@libsql/client", "@libsql/client/*", "libsql", "@deno/kv", "mysql2", "mysql2/*", "postgres"],
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
  });
  chmodSync(join(DIST, "bin", "objstore.js"), 0o755);
  console.log(`[build] dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * valibot goes into dist/vendor/valibot.js: only the functions our schemas use (~1.9 MB
 * installed as a package, a few KB bundled), so a Memory-only install stays small. Every
 * `from "valibot"` in dist/ is pointed at it; no .d.ts mentions valibot (the schemas are private).
 */
async function vendorValibot(esbuild) {
  const files = walk(DIST).filter((f) => f.endsWith(".js") && readFileSync(f, "utf8").includes('from "valibot"'));
  const names = new Set();
  for (const file of files) for (const [, name] of readFileSync(file, "utf8").matchAll(/\bv\.([A-Za-z]+)/g)) names.add(name);
  const license = readFileSync(join(ROOT, "node_modules", "valibot", "LICENSE.md"), "utf8").trim();
  const version = JSON.parse(readFileSync(join(ROOT, "node_modules", "valibot", "package.json"), "utf8")).version;
  await esbuild({
    stdin: { contents: `export { ${[...names].sort().join(", ")} } from "valibot";`, resolveDir: ROOT, loader: "js" },
    outfile: join(DIST, "vendor", "valibot.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    banner: { js: `/*!\n * valibot ${version}, bundled (only the functions objstore uses)\n *\n${license.split("\n").map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */` },
    logLevel: "warning",
  });
  for (const file of files) {
    let target = relative(dirname(file), join(DIST, "vendor", "valibot.js")).split(sep).join("/");
    if (!target.startsWith(".")) target = `./${target}`;
    writeFileSync(file, readFileSync(file, "utf8").replaceAll('from "valibot"', `from "${target}"`));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build().catch((error) => {
    console.error(`[build] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
