// The package's metadata agrees with itself: one version in package.json, deno.json and
// src/version.ts (what `objstore --version` prints); npm and JSR export the same subpaths, each
// npm subpath with `types` and `default`; the npm package has what a registry page needs.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { VERSION } from "../src/version.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const json = (file: string) => JSON.parse(readFileSync(`${ROOT}/${file}`, "utf8"));

describe("package metadata", () => {
  const pkg = json("package.json"), deno = json("deno.json");

  test("one version everywhere", () => {
    expect({ npm: pkg.version, jsr: deno.version, cli: VERSION }).toEqual({ npm: VERSION, jsr: VERSION, cli: VERSION });
  });

  test("npm and JSR export the same subpaths; every npm subpath has types and default in dist/", () => {
    const npm = Object.keys(pkg.exports).filter((key) => key !== "./package.json").sort();
    expect(npm).toEqual(Object.keys(deno.exports).sort());
    // Worker and browser bundlers get /http without the OpenAPI document (its own subpath, /openapi).
    const lean = { workerd: "./dist/src/http/lean.js", worker: "./dist/src/http/lean.js", browser: "./dist/src/http/lean.js" };
    for (const key of npm) {
      const target = pkg.exports[key];
      expect([key, Object.keys(target)]).toEqual([key, key === "./http" ? ["types", "workerd", "worker", "browser", "default"] : ["types", "default"]]);
      // The same module: deno.json's ./x/y.ts is package.json's ./dist/x/y.js and .d.ts.
      const source = deno.exports[key].replace(/^\.\//, "").replace(/\.ts$/, "");
      expect(target).toEqual({ types: `./dist/${source}.d.ts`, ...(key === "./http" ? lean : {}), default: `./dist/${source}.js` });
    }
  });

  test("large or native clients are optional peers; the rest is small", () => {
    for (const peer of ["@libsql/client", "hono"]) {
      expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
      expect(pkg.devDependencies[peer]).toBe(pkg.peerDependencies[peer]);
      expect(pkg.dependencies[peer]).toBeUndefined();
    }
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["aws4fetch", "idb-keyval"]);
  });

  test("registry fields and the files shipped", () => {
    expect(pkg.engines.node).toBe(">=20");
    expect(pkg.license).toBe("MIT");
    expect(pkg.repository.url).toContain("github.com");
    expect(pkg.keywords.length).toBeGreaterThan(3);
    expect(pkg.files.sort()).toEqual(["BENCHMARKS.md", "CHANGELOG.md", "LICENSE", "README.md", "dist", "docs"]);
    expect(pkg.bin).toEqual({ objstore: "./dist/bin/objstore.js" });
    expect(pkg.scripts.prepack).toContain("scripts/build.mjs");
  });
});
