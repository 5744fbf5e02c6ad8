// `npm test`: installs what is missing (scripts/bootstrap.mjs), type-checks the core with
// tsc, then runs every test/**/*.test.ts under Bun, Deno and Node 20 and sums the results.
// The last line of output is always `N passed, N failed`; the exit code is non-zero when a
// test failed, the type-check failed, or a runtime crashed or ran no tests at all.
//
//   npm test                              everything
//   npm test -- --only=bun,node           some runtimes
//   npm test -- --no-typecheck            skip tsc
//   npm test -- --jobs=1                  one runtime at a time (default 2 side by side)
//   npm test -- test/memory.test.ts       some files (paths, folders, or parts of a path)
//
// Test files import from "bun:test". Under Deno that specifier is mapped, by a generated
// import map, to test/shims/deno-bun-test.ts; under Node, a resolve hook registered by
// test/shims/node-register.mjs maps it to test/shims/node-bun-test.ts (and tsx compiles TS).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { bootstrap, CACHE_DIR, ROOT } from "./bootstrap.mjs";

const RUNTIMES = ["bun", "deno", "node"];
/** Default timeout of a single test or hook, in every runtime. Keep in sync with test/shims/common.ts. */
const TEST_TIMEOUT_MS = 60_000;
/** A runtime still running after this long is killed and reported as crashed. */
const RUNTIME_LIMIT_MS = Number(process.env.OBJSTORE_TEST_RUNTIME_LIMIT_MINUTES ?? 30) * 60_000;
const isWindows = process.platform === "win32";
/**
 * Runtimes run side by side, this many at a time (`--jobs=N`, or OBJSTORE_TEST_JOBS): most of a
 * suite's time is spent waiting on servers, sockets and timers, so two runtimes at once take
 * little longer than one. Their lines are then prefixed with the runtime's name.
 */
const DEFAULT_JOBS = Number(process.env.OBJSTORE_TEST_JOBS ?? 2);

function usage() {
  return "usage: node scripts/test.mjs [--only=bun,deno,node] [--jobs=N] [--no-typecheck] [file|folder|path-part ...]";
}

function parseArgs(argv) {
  const options = { runtimes: RUNTIMES, typecheck: true, filters: [], jobs: DEFAULT_JOBS };
  for (const arg of argv) {
    if (arg.startsWith("--only=")) {
      const wanted = arg.slice("--only=".length).split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = wanted.filter((r) => !RUNTIMES.includes(r));
      if (unknown.length > 0 || wanted.length === 0) throw new Error(`unknown runtime in ${arg}; ${usage()}`);
      options.runtimes = RUNTIMES.filter((r) => wanted.includes(r));
    } else if (arg.startsWith("--jobs=")) {
      options.jobs = Number(arg.slice("--jobs=".length));
      if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new Error(`--jobs wants a whole number of at least 1; ${usage()}`);
    } else if (arg === "--no-typecheck") {
      options.typecheck = false;
    } else if (arg === "--help" || arg === "-h") {
      console.log(usage());
      process.exit(0);
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}; ${usage()}`);
    } else {
      options.filters.push(arg);
    }
  }
  return options;
}

// ---------------------------------------------------------------- test files

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

/** Every test/**\/*.test.ts (relative, with forward slashes), narrowed by the filters. */
function testFiles(filters) {
  const all = existsSync(join(ROOT, "test")) ? walk(join(ROOT, "test"), []) : [];
  const rel = (path) => relative(ROOT, path).split(sep).join("/");
  const chosen = all.filter((file) => {
    if (filters.length === 0) return true;
    return filters.some((filter) => {
      const asPath = resolve(process.cwd(), filter);
      if (existsSync(asPath)) {
        return statSync(asPath).isDirectory() ? file.startsWith(asPath + sep) : file === asPath;
      }
      return rel(file).includes(filter);
    });
  });
  return chosen.map(rel).sort();
}

// ---------------------------------------------------------------- running

const ANSI = /\u001b\[[0-9;?]*[ -\/]*[@-~]/g;

const active = new Set(); // the running children, for signal forwarding

function killTree(child, signal) {
  try {
    if (!isWindows && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of active) killTree(child, signal);
    process.exit(130);
  });
}

/**
 * Writes a child's output through; with a `prefix` (runtimes running side by side) each line
 * gets it, so interleaved lines still say whose they are.
 */
function passThrough(stream, prefix) {
  if (!prefix) return (chunk) => stream.write(chunk);
  let partial = "";
  const write = (chunk) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop();
    for (const line of lines) stream.write(`${prefix}${line}\n`);
  };
  write.flush = () => partial && stream.write(`${prefix}${partial}\n`);
  return write;
}

/** Runs a command, streaming its output through, and returns its exit code and output. */
function run(command, args, { env = process.env, limitMs = RUNTIME_LIMIT_MS, prefix } = {}) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    let output = "";
    let timedOut = false;
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, so a hung runtime can be killed with everything it started.
      detached: !isWindows,
    });
    active.add(child);
    const out = passThrough(process.stdout, prefix);
    const err = passThrough(process.stderr, prefix);
    const timer = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\n[test] ${command} still running after ${limitMs / 60_000} min: killing it\n`);
      killTree(child, "SIGKILL");
    }, limitMs);
    child.stdout.on("data", (chunk) => {
      out(chunk);
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk) => {
      err(chunk);
      output += chunk.toString("utf8");
    });
    const finish = (code, error) => {
      clearTimeout(timer);
      active.delete(child);
      out.flush?.();
      err.flush?.();
      resolvePromise({ code, output: output.replace(ANSI, "").replace(/\r/g, ""), error, timedOut, seconds: (Date.now() - started) / 1000 });
    };
    child.on("error", (error) => finish(null, error));
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

/** The last number captured by `regex` (global, multiline) in `text`, or undefined. */
function last(text, regex) {
  let value;
  for (const match of text.matchAll(regex)) value = Number(match[1]);
  return value;
}

// ---------------------------------------------------------------- runtimes

/** bun prints ` 12 pass`, ` 1 fail`, ` 2 skip`, ` 1 todo`, ` 1 error` lines on stderr. */
function parseBun(output) {
  const count = (word) => last(output, new RegExp(`^\\s*(\\d+) ${word}\\s*$`, "gm"));
  const passed = count("pass");
  const failed = count("fail");
  if (passed === undefined && failed === undefined) return undefined;
  // Errors outside tests (a file that does not load, an unhandled rejection) are failures too.
  const errors = count("errors?") ?? 0;
  return { passed: passed ?? 0, failed: (failed ?? 0) + errors, skipped: (count("skip") ?? 0) + (count("todo") ?? 0) };
}

/** deno prints `ok | 12 passed | 0 failed (1s)` or `FAILED | 11 passed | 1 failed | 2 ignored (1s)`. */
function parseDeno(output) {
  const lines = output.split("\n").filter((line) => /^(ok|FAILED) \| \d+ passed/.test(line.trim()));
  const line = lines.at(-1);
  if (line === undefined) return undefined;
  const number = (word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: number("passed"), failed: number("failed"), skipped: number("ignored") };
}

/** node prints `ℹ pass 12` (spec reporter) or `# pass 12` (TAP), plus fail/cancelled/skipped/todo. */
function parseNode(output) {
  const count = (word) => last(output, new RegExp(`^(?:ℹ|#) ${word} (\\d+)\\s*$`, "gm"));
  const passed = count("pass");
  const failed = count("fail");
  if (passed === undefined && failed === undefined) return undefined;
  return {
    passed: passed ?? 0,
    // Cancelled tests (timeouts, a failing before hook) did not pass: failures.
    failed: (failed ?? 0) + (count("cancelled") ?? 0),
    skipped: (count("skipped") ?? 0) + (count("todo") ?? 0),
  };
}

/** Deno's import map for tests: deno.json's own `imports`/`scopes` plus `bun:test` → the shim. */
function denoImportMap() {
  const config = existsSync(join(ROOT, "deno.json")) ? JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")) : {};
  const absolute = (target) =>
    typeof target === "string" && /^\.{0,2}\//.test(target)
      ? pathToFileURL(resolve(ROOT, target)).href + (target.endsWith("/") ? "/" : "")
      : target;
  const rebase = (map = {}) => Object.fromEntries(Object.entries(map).map(([key, target]) => [absolute(key), absolute(target)]));
  const importMap = {
    imports: { ...rebase(config.imports), "bun:test": pathToFileURL(join(ROOT, "test", "shims", "deno-bun-test.ts")).href },
    scopes: Object.fromEntries(Object.entries(config.scopes ?? {}).map(([scope, map]) => [absolute(scope), rebase(map)])),
  };
  const path = join(CACHE_DIR, "deno-test-import-map.json");
  writeFileSync(path, JSON.stringify(importMap, null, 2) + "\n");
  return path;
}

/**
 * Colours when a human watches (bun and node turn them off on a pipe), none in logs
 * (deno colours even on a pipe). An explicit NO_COLOR / FORCE_COLOR wins.
 */
function colorEnv() {
  if (process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR !== undefined) return process.env;
  return { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }) };
}

function commandFor(runtime, tools, files) {
  switch (runtime) {
    case "bun":
      // Paths must start with ./ or bun treats them as name filters.
      return { command: tools.bun, args: ["test", "--timeout", String(TEST_TIMEOUT_MS), ...files.map((f) => `./${f}`)], parse: parseBun };
    case "deno":
      return {
        command: tools.deno,
        // --no-check: tsc type-checks the core (tsconfig.json); Deno's own check would use
        // Deno's libs (no DOM) and judge test files typed against bun:test.
        args: ["test", "-A", "--unstable-kv", "--no-check", "--import-map", denoImportMap(), ...files],
        env: { DENO_DIR: join(CACHE_DIR, "deno"), DENO_NO_UPDATE_CHECK: "1", ...colorEnv() },
        parse: parseDeno,
      };
    case "node":
      return {
        command: process.execPath,
        args: [
          "--import", "tsx",
          "--import", pathToFileURL(join(ROOT, "test", "shims", "node-register.mjs")).href,
          "--test",
          // No --test-force-exit: on Node 20 it can drop results; node-bun-test.ts ends
          // a test file's process that lingers after its last test instead.
          "--test-reporter=spec", "--test-reporter-destination=stdout",
          ...files,
        ],
        parse: parseNode,
      };
  }
  throw new Error(`unknown runtime ${runtime}`);
}

/** Runs `files` under `runtime`; returns the counts and what went wrong besides failed tests. */
async function runFiles(runtime, tools, files, prefix) {
  const { command, args, env, parse } = commandFor(runtime, tools, files);
  const result = await run(command, args, { env: env ?? colorEnv(), prefix });
  const counts = parse(result.output);
  const problems = [];
  if (result.error) problems.push(`could not start: ${result.error.message}`);
  else if (result.timedOut) problems.push(`killed after ${RUNTIME_LIMIT_MS / 60_000} min`);
  else if (counts === undefined) problems.push(`crashed (exit code ${result.code}) without a test summary`);
  else if (counts.passed + counts.failed === 0) problems.push("ran zero tests");
  else if (result.code !== 0 && counts.failed === 0) problems.push(`exited with code ${result.code} but reported no failed test`);
  else if (result.code === 0 && counts.failed > 0) problems.push(`reported ${counts.failed} failed but exited with code 0`);
  return { counts: counts ?? { passed: 0, failed: 0, skipped: 0 }, problems, crashed: counts === undefined && !result.timedOut, seconds: result.seconds };
}

async function runRuntime(runtime, tools, files, prefix) {
  console.log(`\n━━━ ${runtime}: ${files.length} test file${files.length === 1 ? "" : "s"} ━━━`);
  const all = await runFiles(runtime, tools, files, prefix);
  if (!(runtime === "deno" && all.crashed && files.length > 1)) return { runtime, ...all };
  // Deno loads every module before running any test, so one file that does not load
  // (a missing module, a syntax error) stops the whole run. Run the files one by one instead,
  // so the others still count and the broken ones are named.
  console.log(`\n[test] deno stopped before running any test; running the ${files.length} files one by one`);
  const total = { runtime, counts: { passed: 0, failed: 0, skipped: 0 }, problems: [], seconds: all.seconds };
  for (const file of files) {
    const one = await runFiles(runtime, tools, [file], prefix);
    for (const key of ["passed", "failed", "skipped"]) total.counts[key] += one.counts[key];
    total.problems.push(...one.problems.map((problem) => `${file}: ${problem}`));
    total.seconds += one.seconds;
  }
  if (total.counts.passed + total.counts.failed === 0) total.problems.push("ran zero tests");
  return total;
}

function typecheck() {
  console.log("━━━ type-check: tsc -p tsconfig.json ━━━");
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
  const ok = result.status === 0;
  console.log(ok ? "type-check ok" : `type-check FAILED (exit code ${result.status ?? result.error?.message})`);
  return ok;
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const tools = bootstrap();
  const typecheckOk = options.typecheck ? typecheck() : undefined;
  const files = testFiles(options.filters);
  if (files.length === 0) throw new Error(`no test files match ${options.filters.join(" ") || "test/**/*.test.ts"}`);

  const jobs = Math.min(options.jobs, options.runtimes.length);
  const queue = [...options.runtimes];
  const byRuntime = new Map();
  const worker = async () => {
    for (let runtime = queue.shift(); runtime !== undefined; runtime = queue.shift()) {
      byRuntime.set(runtime, await runRuntime(runtime, tools, files, jobs > 1 ? `[${runtime}] ` : undefined));
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const results = options.runtimes.map((runtime) => byRuntime.get(runtime));

  let passed = 0;
  let failed = 0;
  console.log("\n━━━ summary ━━━");
  if (typecheckOk !== undefined) {
    console.log(`type-check  ${typecheckOk ? "ok" : "FAILED (counted as 1 failure)"}`);
    if (!typecheckOk) failed += 1;
  }
  for (const { runtime, counts, problems, seconds } of results) {
    passed += counts.passed;
    failed += counts.failed + problems.length;
    const line = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    console.log(`${runtime.padEnd(10)}  ${line.padEnd(36)} ${seconds.toFixed(1)} s`);
    for (const problem of problems) console.log(`${"".padEnd(10)}  ${runtime} ${problem} (counted as 1 failure)`);
  }
  const totals = new Set(results.filter((r) => r.problems.length === 0).map((r) => r.counts.passed + r.counts.failed + r.counts.skipped));
  if (totals.size > 1) console.log("note: the runtimes did not run the same number of tests (runtime-specific skips, or a file that did not load?)");
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[test] ${error instanceof Error ? error.message : error}`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
