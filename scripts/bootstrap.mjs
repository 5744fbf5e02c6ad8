// Installs what the tests and examples need, with nothing but Node and npm on the machine:
//   1. Bun and Deno, pinned, from their npm packages, into the git-ignored `.tools/`;
//   2. the project's dependencies with `bun install --frozen-lockfile` (bun.lock is the lockfile).
// Both steps are skipped when already done, so every `npm test` / `npm start` can call this.
//
//   node scripts/bootstrap.mjs          install if needed, print the tool paths
//   import { bootstrap } from "./bootstrap.mjs"; const { bun, deno } = bootstrap();
//
// Plain Node ESM without dependencies: it runs before anything is installed.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Pinned tool versions; bump them here (and only here). */
export const TOOL_VERSIONS = Object.freeze({ bun: "1.4.5", deno: "2.9.6" });

/** The repository root (the folder holding package.json). */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where the pinned tools live; git-ignored. */
export const TOOLS_DIR = join(ROOT, ".tools");
/** Scratch space for generated files (import maps, DENO_DIR); git-ignored. */
export const CACHE_DIR = join(ROOT, ".cache");

const isWindows = process.platform === "win32";
const exe = isWindows ? ".exe" : "";
const DEPS_STAMP = join(ROOT, "node_modules", ".objstore-deps-stamp");

function log(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

/** Output of `<binary> --version`, or undefined when it does not run. */
function versionOf(binary) {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Where an npm package may have put its native binary: the main package's own copy
 * (placed there by its postinstall script, or shipped in it), else the platform package
 * it depends on (`@oven/bun-linux-x64`, `@deno/linux-x64-glibc`, ...), which works even
 * when npm did not run install scripts.
 */
function candidates(tool) {
  const modules = join(TOOLS_DIR, "node_modules");
  const scoped = (scope, rel) => {
    const dir = join(modules, scope);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.startsWith(tool === "bun" ? "bun-" : ""))
      .map((name) => join(dir, name, rel));
  };
  if (tool === "bun") {
    // The bun package names its binary bun.exe on every platform.
    return [join(modules, "bun", "bin", "bun.exe"), ...scoped("@oven", join("bin", `bun${exe}`))];
  }
  return [join(modules, "deno", `deno${exe}`), ...scoped("@deno", `deno${exe}`)];
}

/** Path of a working binary of the pinned version, or undefined. */
function findTool(tool) {
  const want = TOOL_VERSIONS[tool];
  for (const binary of candidates(tool)) {
    const version = versionOf(binary);
    // `bun --version` prints "1.4.5", `deno --version` prints "deno 2.9.6 (...)".
    if (version !== undefined && new RegExp(`(^|\\s)${want.replaceAll(".", "\\.")}(\\s|$)`).test(version.split("\n")[0])) {
      return binary;
    }
  }
  return undefined;
}

/** Runs npm the same way on every platform, preferring the npm that launched us. */
function npm(args) {
  const npmCli = process.env.npm_execpath;
  const result = npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli, ...args], { stdio: "inherit", cwd: ROOT })
    : spawnSync(isWindows ? "npm.cmd" : "npm", args, { stdio: "inherit", cwd: ROOT, shell: isWindows });
  if (result.error) throw new Error(`could not run npm: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed with exit code ${result.status}`);
}

function installTools() {
  mkdirSync(TOOLS_DIR, { recursive: true });
  // A package.json of its own keeps npm from ever treating the project as the install target.
  writeFileSync(
    join(TOOLS_DIR, "package.json"),
    JSON.stringify({ private: true, description: "Pinned tools for objstore; see scripts/bootstrap.mjs" }, null, 2) + "\n",
  );
  const specs = Object.entries(TOOL_VERSIONS).map(([name, version]) => `${name}@${version}`);
  log(`installing ${specs.join(" ")} into .tools/ (from npm)`);
  npm(["install", "--prefix", TOOLS_DIR, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", ...specs]);
}

/** Ensures the pinned Bun and Deno are in `.tools/`; returns their paths. */
export function ensureTools() {
  let bun = findTool("bun");
  let deno = findTool("deno");
  if (bun === undefined || deno === undefined) {
    installTools();
    bun = findTool("bun");
    deno = findTool("deno");
  }
  if (bun === undefined) throw new Error(`bun@${TOOL_VERSIONS.bun} is not runnable after installing it into .tools/`);
  if (deno === undefined) throw new Error(`deno@${TOOL_VERSIONS.deno} is not runnable after installing it into .tools/`);
  return { bun, deno };
}

/** What the installed node_modules must match: the manifest, the lockfile and the installer. */
function depsFingerprint() {
  const hash = createHash("sha256");
  for (const file of ["package.json", "bun.lock"]) {
    hash.update(file).update("\0").update(readFileSync(join(ROOT, file))).update("\0");
  }
  hash.update(`bun@${TOOL_VERSIONS.bun}`);
  return hash.digest("hex");
}

/** Runs `bun install --frozen-lockfile` unless node_modules already matches package.json + bun.lock. */
export function ensureDependencies(bun) {
  const fingerprint = depsFingerprint();
  const current = existsSync(DEPS_STAMP) ? readFileSync(DEPS_STAMP, "utf8").trim() : undefined;
  if (current === fingerprint) return;
  log(existsSync(join(ROOT, "node_modules")) ? "node_modules is stale: bun install --frozen-lockfile" : "bun install --frozen-lockfile");
  const result = spawnSync(bun, ["install", "--frozen-lockfile"], { stdio: "inherit", cwd: ROOT });
  if (result.error) throw new Error(`could not run bun install: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`bun install --frozen-lockfile failed (exit code ${result.status}); is bun.lock up to date with package.json?`);
  }
  writeFileSync(DEPS_STAMP, fingerprint + "\n");
}

/**
 * Everything at once: tools, then dependencies. Returns the tool paths.
 * @returns {{ bun: string, deno: string }}
 */
export function bootstrap() {
  const tools = ensureTools();
  ensureDependencies(tools.bun);
  mkdirSync(CACHE_DIR, { recursive: true });
  return tools;
}

/** Path of the pinned bun binary (installing it if needed). */
export function bunPath() {
  return ensureTools().bun;
}

/** Path of the pinned deno binary (installing it if needed). */
export function denoPath() {
  return ensureTools().deno;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { bun, deno } = bootstrap();
    console.log(`bun  ${bun}\ndeno ${deno}`);
  } catch (error) {
    console.error(`[bootstrap] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
