import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type FileSystem } from "../mod.ts";
import { decodeName, nameOf } from "../src/drivers/file/names.ts";
import { ODD_KEYS, ODD_TYPES } from "./conformance/input.ts";
import { fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);

const open = (base: string, fs: FileSystem = fileSystem) =>
  createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem: fs });

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path + sep, ...walk(path)] : [path];
  });
}

const TRAVERSAL_KEYS = [
  "../../../../tmp/evil", "..\\..\\evil", "/etc/passwd", "\\\\server\\share\\x", "C:\\Windows\\win.ini", "C:", "COM1", "LPT9",
  "Nul", "aux.json", "con.txt", ".objstore", ".objstore/lock", ".objstore/journal.json", "./.", "...", "a/./b/../../..",
  "~root", "x~0123456789abcdef0123456789abcdef", "%2e%2e", "_a", "A", "a", "ÄÖÜ", "äöü", "Straße", "STRASSE", "ǅ", "ǆ", "Ǆ",
  "x".repeat(1024), "X".repeat(1024), "é".repeat(512), "\u{10FFFF}".repeat(256), "a ".repeat(512),
];
const TRAVERSAL_TYPES = ["..", "../..", "/etc", "C:\\Windows", "CON", "con", "nul", "a/../../b", ".objstore", ".", "~", " ", "A", "a", "ÄÖÜ", "äöü"];

describe("SimpleFileStore layout", () => {
  test("hostile types and keys round-trip and create nothing outside BaseLocation; names are safe everywhere", async () => {
    const root = tempDir();
    const base = join(root, "store");
    mkdirSync(base);
    const store = open(base);
    const types = [...new Set([...ODD_TYPES, ...TRAVERSAL_TYPES])];
    const keys = [...new Set([...ODD_KEYS, ...TRAVERSAL_KEYS])];
    for (const type of types) for (const key of keys) await store.save(type, key, { type, key });
    for (const type of types) {
      for (const key of keys) expect((await store.get(type, key))?.value).toEqual({ type, key });
      const page = await store.page(type, { pagesize: 100 });
      expect(page.pagination.total).toBe(keys.length);
    }
    expect((await store.types()).length).toBe(types.length);

    // Nothing but the store folder in its parent.
    expect(readdirSync(root)).toEqual(["store"]);
    const entries = walk(base).map((p) => relative(base, p).split(sep).join("/"));
    const objects = entries.filter((p) => !p.startsWith(".objstore"));
    for (const path of objects) {
      const parts = path.replace(/\/$/, "").split("/");
      expect(parts.length).toBeLessThanOrEqual(2);
      for (const part of parts) {
        expect(part).toMatch(/^[a-z0-9_%~-]+(\.json)?$/); // lower case, no dots, separators, spaces or controls
        expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(255);
        expect(part.split(".")[0]).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i);
      }
    }
    // Every file, the driver's own included, is JSON a person can read.
    for (const path of entries.filter((p) => statSync(join(base, p)).isFile())) expect(() => JSON.parse(readFileSync(join(base, path), "utf8"))).not.toThrow();
    // One file per object, and no two names that a case-insensitive file system would merge.
    expect(objects.filter((p) => p.endsWith(".json")).length).toBe(types.length * keys.length);
    expect(new Set(objects.map((p) => p.toLowerCase())).size).toBe(objects.length);

    for (const type of types) await store.truncate(type);
    expect(await store.types()).toEqual([]);
    expect(readdirSync(base)).toEqual([".objstore"]);
    await store.close();
  }, 120_000);

  test("names decode back to what they encode; long ones are hashed within 255 bytes; device names are escaped", async () => {
    for (const text of [...ODD_KEYS, ...TRAVERSAL_KEYS, ...TRAVERSAL_TYPES]) {
      const name = await nameOf(text);
      const decoded = decodeName(name)!;
      if (decoded.complete) expect(decoded.text).toBe(text);
      else {
        expect(text.startsWith(decoded.prefix)).toBe(true);
        expect(name.length + ".json".length).toBeLessThanOrEqual(255);
      }
    }
    expect(await nameOf("Person")).toBe("_person");
    expect(await nameOf("con")).toBe("%63on");
    expect(await nameOf("a b/../c")).toBe("a%20b%2f%2e%2e%2fc");
    expect(await nameOf("x".repeat(1024))).not.toBe(await nameOf("x".repeat(1023)));
    // Not ours: ignored by listings.
    for (const junk of ["README", "Person", "%41", "a.b", "con", "x~nothex", "%c3"]) expect(decodeName(junk)).toBeUndefined();
  });

  test("an object's file is self-describing, indented JSON", async () => {
    const base = tempDir();
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, {
      fileSystem,
      now: () => new Date("2026-01-02T03:04:05.678Z"),
    });
    await store.save("Person", "Ann Smith", { name: "Ann", tags: ["a"] });
    const text = readFileSync(join(base, "_person", "_ann%20_smith.json"), "utf8");
    expect(JSON.parse(text)).toEqual({
      type: "Person",
      key: "Ann Smith",
      version: "1",
      created: "2026-01-02T03:04:05.678Z",
      updated: "2026-01-02T03:04:05.678Z",
      value: { name: "Ann", tags: ["a"] },
    });
    expect(text).toContain('\n  "key": "Ann Smith",\n');
    await store.close();
  });

  test("a page without query or sort reads only its own files; total comes from the listing", async () => {
    const base = tempDir();
    let reads = 0;
    const counting: FileSystem = Object.create(fileSystem, {
      // Object files only (not the driver's own small files under .objstore/).
      readText: { value: (path: string) => (path.includes("/.objstore/") || reads++, fileSystem.readText(path)) },
    });
    const store = open(base, counting);
    for (let i = 0; i < 60; i++) await store.save("Item", `k${String(i).padStart(2, "0")}`, { i });
    reads = 0;
    const page = await store.page("Item", { offset: 10, pagesize: 5 });
    expect(page.pagination.total).toBe(60);
    expect(page.result.map((o) => o.key)).toEqual(["k10", "k11", "k12", "k13", "k14"]);
    expect(reads).toBe(5);
    reads = 0;
    const next = await store.page("Item", { cursor: page.next!, pagesize: 3 });
    expect(next.result.map((o) => o.key)).toEqual(["k15", "k16", "k17"]);
    expect(reads).toBe(4); // pagesize + 1 to know whether more follow
    reads = 0;
    expect((await store.page("Item", { query: "k5" })).pagination.total).toBe(10);
    expect(reads).toBe(60); // a query must look at every object
    await store.close();
  });
});
