// The npm package as users get it (run on demand; results in BENCHMARKS.md):
//   1. install size of a Memory-only consumer (npm install of the packed tarball);
//   2. gzip sizes of esbuild bundles (minified, no code splitting): a Worker with Memory and the
//      HTTP API, a Worker with DynamoDB, a browser app with Memory, and each driver's own cost
//      (Memory-only app + `import "@objstore/objstore/<driver>"`, minus the Memory-only app);
//   3. Node process start to the first `get` (import, create, save, get, exit), against
//      unstorage's createStorage() + setItem + getItem in the same run.
//
//   npm run build && node bench/package.mjs [runs=15]
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.argv[2] ?? 15);
const npm = join(dirname(process.execPath), "npm");
const work = mkdtempSync(join(tmpdir(), "objstore-bench-package-"));
const flags = ["--no-audit", "--no-fund", "--prefer-offline", "--cache", join(ROOT, ".cache", "npm"), "--loglevel=error"];

function size(dir) {
  let disk = 0, apparent = 0;
  const walk = (p) => {
    const s = lstatSync(p);
    if (s.isDirectory()) {
      disk += 4096;
      for (const n of readdirSync(p)) walk(join(p, n));
    } else {
      apparent += s.size;
      disk += Math.ceil(s.size / 4096) * 4096;
    }
  };
  walk(dir);
  return { disk, apparent };
}

try {
  const tarball = join(work, execFileSync(npm, ["pack", "--pack-destination", work, "--loglevel=error"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").at(-1));
  const project = (name, deps) => {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
    execFileSync(npm, ["install", ...flags, ...deps], { cwd: dir });
    return dir;
  };
  const memory = project("memory", [tarball]);
  const s = size(join(memory, "node_modules"));
  console.log(`install, Memory-only consumer: ${(s.disk / 1048576).toFixed(2)} MB on disk (4 KiB blocks), ${(s.apparent / 1048576).toFixed(2)} MB apparent; packages: ${readdirSync(join(memory, "node_modules")).filter((n) => !n.startsWith(".")).join(", ")}`);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const full = project("full", [tarball, `hono@${pkg.devDependencies.hono}`, `@libsql/client@${pkg.devDependencies["@libsql/client"]}`, `unstorage@${pkg.devDependencies.unstorage}`]);

  const gz = async (name, source, platform = "neutral") => {
    writeFileSync(join(full, `${name}.mjs`), source);
    await build({
      entryPoints: [join(full, `${name}.mjs`)], bundle: true, minify: true, format: "esm", platform,
      conditions: platform === "neutral" ? ["workerd", "worker", "browser"] : [], mainFields: ["browser", "module", "main"],
      outfile: join(full, "out", `${name}.mjs`), logLevel: "silent",
    });
    return gzipSync(readFileSync(join(full, "out", `${name}.mjs`))).length;
  };
  const app = `import { createObjectStoreInstance } from "@objstore/objstore"; const s = createObjectStoreInstance(); export const run = () => s.get("T", "k");`;
  const sizes = {
    "Worker, Memory + HTTP API": await gz("wm", `import { createObjectStoreInstance } from "@objstore/objstore"; import { createApp } from "@objstore/objstore/http"; const app = createApp(createObjectStoreInstance()); export default { fetch: (r) => app.fetch(r) };`),
    "Worker, DynamoDB + HTTP API": await gz("wd", `import "@objstore/objstore/dynamodb"; import { createObjectStoreFromEnv } from "@objstore/objstore"; import { createApp } from "@objstore/objstore/http"; let app; export default { fetch: (r, env) => (app ??= createApp(createObjectStoreFromEnv(env))).fetch(r) };`),
    "Worker, @objstore/objstore/worker (every edge driver)": await gz("ww", `export { default } from "@objstore/objstore/worker";`),
    "browser, Memory": await gz("bm", app, "browser"),
  };
  for (const driver of ["dynamodb", "remote", "indexeddb", "libsql", "file", "denokv", "caching", "migrating", "multitenant"]) {
    sizes[`+ ${driver}`] = (await gz(`d-${driver}`, `import "@objstore/objstore/${driver}"; ${app}`, "browser")) - sizes["browser, Memory"];
  }
  console.log("\nbundle (esbuild --bundle --minify, no splitting)  gzip bytes");
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(52)} ${String(bytes).padStart(7)}`);

  const programs = {
    objstore: `import { createObjectStoreInstance } from "@objstore/objstore"; const s = createObjectStoreInstance(); await s.save("T", "k", { a: 1 }); await s.get("T", "k");`,
    "objstore/node": `import { createObjectStoreInstance } from "@objstore/objstore/node"; const s = createObjectStoreInstance(); await s.save("T", "k", { a: 1 }); await s.get("T", "k");`,
    unstorage: `import { createStorage } from "unstorage"; const s = createStorage(); await s.setItem("T:k", { a: 1 }); await s.getItem("T:k");`,
  };
  for (const [name, source] of Object.entries(programs)) writeFileSync(join(full, `start-${name.replace("/", "-")}.mjs`), source);
  const times = Object.fromEntries(Object.keys(programs).map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(programs)) {
      const started = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [`start-${name.replace("/", "-")}.mjs`], { cwd: full });
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
      times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nNode ${process.version} process start to first get (median of ${runs}, ms, interleaved)`);
  for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(16)} ${median(xs).toFixed(1)}  (min ${Math.min(...xs).toFixed(1)})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
