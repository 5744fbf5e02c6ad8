// The npm package as users get it: `npm pack` (which builds dist/), the tarball installed with
// npm into fresh projects, then used from Node (ESM, and CommonJS's require), Deno (node_modules
// and npm:), Bun, TypeScript (three configs), the bin through npx with only Node on PATH, and
// esbuild bundles for a Worker and a browser, whose gzip sizes must stay under the limits the
// README states. publint and @arethetypeswrong/cli must pass.
//
// Runs under Node only (it is one check of the package, not of a runtime: it starts Deno and Bun
// itself). npm's cache lives in .cache/npm, so a second run installs without the network.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { freePort } from "../support/net.ts";
import * as fixtures from "./fixtures.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const isNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const MB = 1024 * 1024;
// The targets: a Memory-only Worker <= 25,000 B, a Worker with DynamoDB <= 40,000 B and a
// Memory-only browser bundle <= 10,000 B (gzip), a Memory-only install <= 3 MB. Worker bundles
// leave the OpenAPI document out (`@objstore/objstore/http` under the workerd/worker/browser
// conditions; ~3 KB), the config checks use no valibot (~3.5 KB) nor, without an SQL driver, the
// SQL URL reader, and the bearer guard is our own (~0.9 KB less than hono/bearer-auth). The
// Memory Worker has the least room (24,981 B on 2026-12-02).
const LIMITS = { installMemoryOnly: 3 * MB, workerMemory: 25_000, workerDynamoDB: 40_000, browserMemory: 10_000 };

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const BIN_DIR = dirname(process.execPath);
const tools = {
  npm: join(BIN_DIR, "npm"),
  bun: join(ROOT, ".tools", "node_modules", "bun", "bin", "bun.exe"),
  deno: join(ROOT, ".tools", "node_modules", "deno", "deno"),
  tsc: join(ROOT, "node_modules", "typescript", "bin", "tsc"),
  publint: join(ROOT, "node_modules", "publint", "src", "cli.js"),
  attw: join(ROOT, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js"),
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Run {
  const result = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: "utf8", timeout: 300_000 });
  return { status: result.status, stdout: result.stdout ?? "", stderr: (result.stderr ?? "") + (result.error ? String(result.error) : "") };
}

function ok(result: Run, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline", "--cache", join(ROOT, ".cache", "npm"), "--loglevel=error"];

/** A fresh project that installs `deps` (the tarball first) with npm. */
function project(dir: string, deps: string[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${dir.split(/[\\/]/).pop()}`, private: true, type: "module" }));
  ok(run(tools.npm, ["install", ...NPM_FLAGS, ...deps], { cwd: dir }), `npm install in ${dir}`);
  return dir;
}

/** Bytes on disk (4 KiB blocks, as `du` counts) and apparent bytes of a folder. */
function sizeOf(dir: string): { disk: number; apparent: number } {
  let disk = 0, apparent = 0;
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      disk += 4096;
      for (const name of readdirSync(path)) walk(join(path, name));
    } else {
      apparent += stat.size;
      disk += Math.ceil(stat.size / 4096) * 4096;
    }
  };
  walk(dir);
  return { disk, apparent };
}

const json = (text: string) => JSON.parse(text.trim().split("\n").at(-1)!);

describe.skipIf(!isNode)("the packed npm package in fresh projects", () => {
  let work = "", tarball = "", memory = "", full = "";

  beforeAll(() => {
    const started = Date.now();
    const lap = (what: string) => console.log(`[package] ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    work = mkdtempSync(join(tmpdir(), "objstore-package-"));
    // npm pack runs prepack: the build.
    const packed = ok(run(tools.npm, ["pack", "--pack-destination", work, "--loglevel=error"], { cwd: ROOT }), "npm pack");
    tarball = join(work, packed.trim().split("\n").at(-1)!);
    lap("npm pack");
    memory = project(join(work, "memory"), [tarball]);
    lap("memory project");
    full = project(join(work, "full"), [tarball, `hono@${pkg.devDependencies.hono}`, `@libsql/client@${pkg.devDependencies["@libsql/client"]}`]);
    lap("full project");
    for (const [name, text] of Object.entries({ "run.mjs": fixtures.RUN_MJS, "require.cjs": fixtures.REQUIRE_CJS, "libsql-missing.mjs": fixtures.LIBSQL_MISSING_MJS, "trace.mjs": fixtures.TRACE_MJS })) {
      writeFileSync(join(memory, name), text);
    }
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("a Memory-only install is small: the package and two small dependencies", () => {
    const installed = readdirSync(join(memory, "node_modules")).filter((name) => !name.startsWith("."));
    expect(installed.sort()).toEqual(["@objstore", "aws4fetch", "idb-keyval"]);
    const size = sizeOf(join(memory, "node_modules"));
    console.log(`[package] Memory-only node_modules: ${(size.disk / MB).toFixed(2)} MB on disk, ${(size.apparent / MB).toFixed(2)} MB apparent`);
    expect(size.disk).toBeLessThanOrEqual(LIMITS.installMemoryOnly);
  });

  const expected = {
    memory: "Ann B.",
    unregistered: expect.stringContaining('UNSUPPORTED the Remote driver is not loaded: import "@objstore/objstore/remote"'),
    remoteKind: "Remote",
    tenantUnloaded: expect.stringContaining('UNSUPPORTED store.forTenant is not loaded: import "@objstore/objstore/tenants"'),
    indexUnloaded: expect.stringContaining('UNSUPPORTED store.doubleStringIndex is not loaded: import "@objstore/objstore/double-string-index"'),
    tenant: "acme",
    index: "user-1",
    nodeEntry: "DynamoDB",
  };

  test("Node: ESM import and run", () => {
    expect(json(ok(run(process.execPath, ["run.mjs"], { cwd: memory }), "node run.mjs"))).toEqual(expected);
  });

  test("source maps: every map a shipped .js names exists, is valid and holds its sources; no map is orphaned", () => {
    const dist = join(memory, "node_modules", "@objstore", "objstore", "dist");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else files.push(join(dir, entry.name));
      }
    };
    walk(dist);
    const named = new Set<string>();
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      const url = /\n\/\/# sourceMappingURL=([^\n]+)\s*$/.exec(readFileSync(file, "utf8"))?.[1];
      if (url === undefined) continue;
      const mapFile = join(dirname(file), url);
      named.add(mapFile);
      expect([file, existsSync(mapFile)]).toEqual([file, true]);
      const map = JSON.parse(readFileSync(mapFile, "utf8"));
      expect(map).toMatchObject({ version: 3, file: file.split(/[\\/]/).pop(), mappings: expect.any(String) });
      expect([file, map.sources.length > 0, map.sourcesContent?.length, map.sourcesContent?.every((c: unknown) => typeof c === "string" && c.length > 0)])
        .toEqual([file, true, map.sources.length, true]);
    }
    expect(files.filter((f) => f.endsWith(".map") && !named.has(f))).toEqual([]);
    // The core and the HTTP API have maps (the build leaves them out only for the drivers' folders and the composites).
    for (const module of ["mod.js", "src/store.js", "src/validate.js", "src/http/app.js", "adapters/node.js"]) expect(named).toContain(join(dist, `${module}.map`));
  });

  test("source maps: under node --enable-source-maps an error's stack names the .ts line that threw it", () => {
    const plain = json(ok(run(process.execPath, ["trace.mjs"], { cwd: memory }), "node trace.mjs"));
    expect(plain.stack).toMatch(/dist[\\/]src[\\/]validate\.js:/);
    const mapped = json(ok(run(process.execPath, ["--enable-source-maps", "trace.mjs"], { cwd: memory }), "node --enable-source-maps trace.mjs"));
    expect(mapped.code).toBe("INVALID_OBJECT_TYPE");
    const frame = /\((.*[\\/]src[\\/]validate\.ts):(\d+):\d+\)/.exec(mapped.stack);
    expect(frame).not.toBeNull();
    // The line the frame names, in the source the map carries, is the throw.
    const map = JSON.parse(readFileSync(join(memory, "node_modules", "@objstore", "objstore", "dist", "src", "validate.js.map"), "utf8"));
    const line = (map.sourcesContent[0] as string).split("\n")[Number(frame![2]) - 1];
    expect(line).toContain("throw new InvalidInputError");
  });

  test("Node: a LibSQL store without @libsql/client fails UNSUPPORTED naming the package", () => {
    const result = json(ok(run(process.execPath, ["libsql-missing.mjs"], { cwd: memory }), "node libsql-missing.mjs"));
    expect(result.code).toBe("UNSUPPORTED");
    expect(result.message).toContain("npm install @libsql/client");
  });

  test("Node: require() from CommonJS works where Node has require(esm) (20.19+, 22.12+), else fails with ERR_REQUIRE_ESM", () => {
    const result = json(ok(run(process.execPath, ["require.cjs"], { cwd: memory }), "node require.cjs"));
    if ((process.features as { require_module?: boolean }).require_module) expect(result).toEqual({ required: "Memory" });
    else expect(result).toMatchObject({ code: "ERR_REQUIRE_ESM", message: expect.stringContaining("@objstore/objstore") });
  });

  test("Deno: from node_modules and with npm: specifiers", () => {
    const env = { DENO_DIR: join(ROOT, ".cache", "deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    expect(json(ok(run(tools.deno, ["run", "-A", "run.mjs"], { cwd: memory, env }), "deno run.mjs"))).toEqual(expected);
    writeFileSync(join(memory, "npm-specifier.mjs"), fixtures.RUN_MJS.replaceAll('"@objstore/objstore', '"npm:@objstore/objstore'));
    expect(json(ok(run(tools.deno, ["run", "-A", "npm-specifier.mjs"], { cwd: memory, env }), "deno npm-specifier.mjs"))).toEqual(expected);
  });

  test("Bun: import and run", () => {
    expect(json(ok(run(tools.bun, ["run.mjs"], { cwd: memory }), "bun run.mjs"))).toEqual(expected);
  });

  test("TypeScript: tsc --noEmit has 0 errors with tsc --init defaults, NodeNext + strict, and exactOptionalPropertyTypes", async () => {
    writeFileSync(join(full, "consumer.ts"), fixtures.CONSUMER_TS);
    ok(run(process.execPath, [tools.tsc, "--init"], { cwd: full }), "tsc --init");
    const strict = { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], strict: true, skipLibCheck: true, noEmit: true, types: [] };
    const configs = {
      "tsconfig.json": undefined, // tsc --init's own (it has exactOptionalPropertyTypes too)
      "tsconfig.strict.json": { compilerOptions: strict, files: ["consumer.ts"] },
      // Our .d.ts files are checked too here (skipLibCheck off), under the strictest options.
      "tsconfig.exact.json": { compilerOptions: { ...strict, skipLibCheck: false, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true }, files: ["consumer.ts"] },
    };
    const runs = Object.entries(configs).map(([file, config]) => {
      if (config) writeFileSync(join(full, file), JSON.stringify(config));
      return new Promise<string | undefined>((resolve) => {
        const child = spawn(process.execPath, [tools.tsc, "--noEmit", "-p", file], { cwd: full, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (chunk) => (out += chunk));
        child.stderr.on("data", (chunk) => (out += chunk));
        child.on("close", (code) => resolve(code === 0 ? undefined : `${file}:\n${out}`));
      });
    });
    expect((await Promise.all(runs)).filter(Boolean)).toEqual([]);
  }, 300_000);

  test("the bin: npx --help, --version, migrate, verify, and serve answering a request, with only Node, npm and sh on PATH", async () => {
    const path = join(work, "only-node");
    mkdirSync(path);
    for (const name of ["node", "npm", "npx"]) if (existsSync(join(BIN_DIR, name))) symlinkSync(join(BIN_DIR, name), join(path, name));
    symlinkSync("/bin/sh", join(path, "sh")); // npx runs bins through sh; no other runtime (Bun, Deno) is reachable
    const env = { PATH: path, APIAPP_OBJECTSTORECONFIG: undefined, npm_config_cache: join(ROOT, ".cache", "npm"), npm_config_offline: "true" };
    const help = ok(run(join(path, "npx"), ["@objstore/objstore", "--help"], { cwd: memory, env }), "npx --help");
    expect(help).toContain("objstore serve");
    expect(help).toContain("--port <n>");
    expect(ok(run(join(path, "npx"), ["@objstore/objstore", "--version"], { cwd: memory, env }), "npx --version").trim()).toBe(pkg.version);
    // migrate and verify load the migration job and the drivers from the package's dist/ (the bin carries only Hono and the CLI).
    mkdirSync(join(memory, "migrated"));
    const to = JSON.stringify({ Type: "SimpleFileStore", BaseLocation: join(memory, "migrated") });
    const migrated = ok(run(join(path, "npx"), ["@objstore/objstore", "migrate", "--quiet", "--checkpoint", join(work, "checkpoint.json"), "--from", '{"Type":"Memory"}', "--to", to], { cwd: memory, env }), "npx migrate");
    expect(migrated).toContain("0 objects read");
    expect(ok(run(join(path, "npx"), ["@objstore/objstore", "verify", "--from", to, "--to", to], { cwd: memory, env }), "npx verify")).toContain("0 different");

    const port = await freePort();
    const server = spawn(join(path, "npx"), ["@objstore/objstore", "serve", "--port", String(port)], { cwd: memory, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    server.stdout.on("data", (chunk) => (output += chunk));
    server.stderr.on("data", (chunk) => (output += chunk));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes("serving") && Date.now() < deadline && server.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain("serving a Memory store");
      const url = `http://127.0.0.1:${port}/api/objects/Person/ann`;
      const put = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"name":"Ann"}' });
      expect(put.status).toBe(201);
      expect((await (await fetch(url)).json()).value).toEqual({ name: "Ann" });
      // The servers register the OpenAPI document.
      expect((await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()).openapi).toBe("3.1.0");
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.exitCode !== null ? r(undefined) : server.once("exit", r));
    }
  }, 120_000);

  test("bundles (esbuild, minified, no code splitting): Worker Memory-only, Worker + DynamoDB, browser Memory-only", async () => {
    const { build } = await import("esbuild");
    const sizes: Record<string, number> = {};
    const bundle = async (name: string, source: string, platform: "browser" | "neutral") => {
      writeFileSync(join(full, `${name}.mjs`), source);
      const result = await build({
        entryPoints: [join(full, `${name}.mjs`)],
        bundle: true,
        minify: true,
        format: "esm",
        platform,
        // wrangler's conditions for a Worker; a browser bundler's for the page.
        conditions: platform === "neutral" ? ["workerd", "worker", "browser"] : [],
        mainFields: platform === "neutral" ? ["browser", "module", "main"] : undefined,
        outfile: join(full, "out", `${name}.mjs`),
        logLevel: "silent",
      });
      expect(result.errors).toEqual([]);
      sizes[name] = gzipSync(readFileSync(join(full, "out", `${name}.mjs`))).length;
    };
    await bundle("worker-memory", fixtures.WORKER_MEMORY, "neutral");
    await bundle("worker-dynamodb", fixtures.WORKER_DYNAMODB, "neutral");
    await bundle("browser-memory", fixtures.BROWSER_MEMORY, "browser");
    console.log(`[package] gzip bytes: ${JSON.stringify(sizes)}`);
    expect(sizes["worker-memory"]!).toBeLessThanOrEqual(LIMITS.workerMemory);
    expect(sizes["worker-dynamodb"]!).toBeLessThanOrEqual(LIMITS.workerDynamoDB);
    expect(sizes["browser-memory"]!).toBeLessThanOrEqual(LIMITS.browserMemory);

    // The bundles work: the Worker answers requests, the page's code stores and reads.
    const worker = (await import(pathToFileURL(join(full, "out", "worker-memory.mjs")).href)).default;
    const put = await worker.fetch(new Request("http://w/api/objects/Note/n1", { method: "PUT", headers: { "content-type": "application/json" }, body: '{"text":"hi"}' }));
    expect(put.status).toBe(201);
    expect((await (await worker.fetch(new Request("http://w/api/objects/Note/n1"))).json()).value).toEqual({ text: "hi" });
    // The Worker conditions leave the OpenAPI document out: /openapi.json says what to import.
    const openapi = await worker.fetch(new Request("http://w/openapi.json"));
    expect([openapi.status, await openapi.json()]).toEqual([404, { error: { code: "UNSUPPORTED", message: expect.stringContaining('import "@objstore/objstore/openapi"') } }]);
    expect(readFileSync(join(full, "out", "worker-memory.mjs"), "utf8")).not.toContain("3.1.0");
    // Node's import (the default condition) serves it.
    writeFileSync(join(full, "openapi.mjs"), fixtures.OPENAPI_NODE_MJS);
    expect(json(ok(run(process.execPath, ["openapi.mjs"], { cwd: full }), "node openapi.mjs"))).toEqual({ status: 200, openapi: "3.1.0" });
    const page = await import(pathToFileURL(join(full, "out", "browser-memory.mjs")).href);
    expect(await page.run()).toBe("hi");
  }, 120_000);

  test("publint and @arethetypeswrong/cli (ESM-only profile) find nothing", () => {
    const publint = run(process.execPath, [tools.publint, "--strict", join(memory, "node_modules", "@objstore", "objstore")], { cwd: memory });
    expect({ status: publint.status, out: publint.stdout + publint.stderr }).toEqual({ status: 0, out: expect.stringContaining("All good!") });
    const attw = run(process.execPath, [tools.attw, tarball, "--profile", "esm-only", "--format", "ascii"], { cwd: work });
    // Exit code 0: no problem but those of CommonJS/node10 resolution, which an ESM-only package has by design.
    expect({ status: attw.status, out: attw.stdout + attw.stderr }).toEqual({ status: 0, out: expect.stringContaining("ignoring resolutions: 'node10', 'node16-cjs'") });
  }, 120_000);
});
