// mod.ts alone holds no backend but Memory (drivers register when their module is imported,
// src/drivers/registry.ts), even without code splitting. Registered drivers load on first use
// (src/drivers/lazy.ts): bundling mod.ts plus every driver with code splitting keeps every
// backend out of the entry chunk, and the bundle still works, loading a backend's chunk when a
// store of its Type is first used. esbuild runs under bun, deno and node.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Strings only one backend's code holds, by Type. */
const MARKERS: Record<string, string[]> = {
  DynamoDB: ["TransactWriteItems", "x-amz-json-1.0"],
  LibSQL: ["journal_mode", "ON CONFLICT"],
  SimpleFileStore: ["journal.json"],
  IndexedDB: ["IndexedDB is not available here"],
  Remote: ["/api/transactions"],
};

/** Bundles mod.ts and every driver like an app's bundler would (minified, split); `write` puts it in `outdir`. */
async function bundle(outdir: string, write: boolean, contents = 'import "./src/drivers/register/all.ts"; export * from "./mod.ts";', splitting = true) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    splitting,
    outdir,
    outExtension: { ".js": ".mjs" }, // ESM under Node 20 without a package.json
    write,
    logLevel: "silent",
  });
  expect(result.errors).toEqual([]);
  return result.outputFiles ?? [];
}

describe("bundle of mod.ts alone, without code splitting", () => {
  test("holds no backend but Memory, and no config schemas", async () => {
    const [file] = await bundle(join(tmpdir(), "objstore-bundle-unwritten"), false, 'export { createObjectStoreInstance } from "./mod.ts";', false);
    for (const [type, markers] of Object.entries(MARKERS)) {
      for (const marker of markers) expect({ type, marker, inBundle: file!.text.includes(marker) }).toEqual({ type, marker, inBundle: false });
    }
    expect(file!.text).toContain('"Memory"');
    expect(file!.text).not.toContain("unsupported URL scheme"); // config.ts comes with a driver
  });

  test("builds Memory, checks its config, and names the module to import for any other Type", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "objstore-bundle-"));
    try {
      await bundle(outdir, true, 'export { createObjectStoreInstance, createObjectStoreFromEnv } from "./mod.ts";', false);
      const core: typeof import("../mod.ts") = await import(pathToFileURL(join(outdir, "stdin.mjs")).href);
      const store = core.createObjectStoreInstance();
      await store.save("T", "a", 1);
      expect((await store.get("T", "a"))?.value).toBe(1);
      expect(core.createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}' }).kind).toBe("Memory");
      const failure = (config: unknown) => {
        try {
          core.createObjectStoreInstance(config as never);
        } catch (e) {
          const { code, message, issues } = e as { code: string; message: string; issues?: unknown };
          return { code, message, issues };
        }
        return undefined;
      };
      const dynamo = failure({ Type: "DynamoDB", aws_access_key_id: "A", aws_secret_access_key: "S", region_name: "eu-west-2" });
      expect(dynamo?.code).toBe("UNSUPPORTED");
      expect(dynamo?.message).toContain('import "@objstore/objstore/dynamodb"');
      expect(failure({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: { cache: false } })?.message).toContain("@objstore/objstore/caching");
      expect(failure({ Type: "Memory", extra: 1 })).toMatchObject({ code: "INVALID_CONFIG", issues: [{ path: "extra", message: "unknown key" }] });
      expect(failure({ Type: "Nope" })?.issues).toEqual([{ path: "Type", message: expect.stringContaining("unknown Type; expected one of \"Memory\"") }]);
      // Names every object has are unknown Types too (not "import function toString() ...").
      for (const Type of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
        expect([Type, failure({ Type })]).toEqual([Type, { code: "INVALID_CONFIG", message: expect.any(String), issues: [{ path: "Type", message: expect.stringContaining("unknown Type") }] }]);
      }
      expect(failure(42)?.issues).toEqual([{ path: "", message: "expected an object with a Type" }]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("bundle of mod.ts with one driver (DynamoDB), without code splitting", () => {
  test("checks configs without valibot and without the SQL URL reader (that comes with the SQL drivers)", async () => {
    const [file] = await bundle(join(tmpdir(), "objstore-bundle-unwritten"), false, 'import "./src/drivers/register/dynamodb.ts"; export { createObjectStoreFromEnv } from "./mod.ts";', false);
    expect(file!.text).toContain("unsupported URL scheme"); // the config checks (config.ts)
    expect(file!.text).not.toContain("abortPipeEarly"); // valibot
    expect(file!.text).not.toContain("unknown query parameter"); // src/drivers/sql/url.ts
  });
});

describe("bundle of mod.ts and every driver with code splitting", () => {
  test("the entry chunk holds no backend but Memory; each backend is in another chunk", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "objstore-bundle-"));
    try {
      const files = await bundle(outdir, false);
      const entry = files.find((file) => /[\\/]stdin\.mjs$/.test(file.path))!;
      const others = files.filter((file) => file !== entry).map((file) => file.text).join("\n");
      for (const [type, markers] of Object.entries(MARKERS)) {
        for (const marker of markers) {
          expect({ type, marker, inEntry: entry.text.includes(marker) }).toEqual({ type, marker, inEntry: false });
          expect({ type, marker, inChunks: others.includes(marker) }).toEqual({ type, marker, inChunks: true });
        }
      }
      // Memory stays in the entry (the default, and small).
      expect(entry.text).toContain('"Memory"');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("the bundle works: Memory at once, and a Remote store loads its chunk on first use", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "objstore-bundle-"));
    try {
      await bundle(outdir, true);
      const objstore: typeof import("../mod.ts") = await import(pathToFileURL(join(outdir, "stdin.mjs")).href);
      const memory = objstore.createObjectStoreInstance({ Type: "Memory" });
      await memory.save("Person", "ann", { name: "Ann" });
      expect((await memory.get("Person", "ann"))?.value).toEqual({ name: "Ann" });

      const urls: string[] = [];
      const fetch = (async (input: RequestInfo | URL) => {
        urls.push(String(input));
        return Response.json({ error: { code: "OBJECT_NOT_FOUND", message: "no such object" } }, { status: 404 });
      }) as typeof globalThis.fetch;
      const remote = objstore.createObjectStoreInstance({ Type: "Remote", url: "http://objstore.test" }, { fetch });
      expect(remote.kind).toBe("Remote");
      expect(urls).toEqual([]); // nothing loaded or sent yet
      await remote.get("Person", "ann").catch(() => undefined);
      expect(urls.length).toBeGreaterThan(0);
      expect(urls[0]!.startsWith("http://objstore.test/")).toBe(true);
      await remote.close();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
