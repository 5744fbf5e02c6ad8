import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { createObjectStoreInstance } from "../mod.ts";
import { fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);

describe("SimpleFileStore names", () => {
  // A UTF-8 decoder strips a leading U+FEFF by default; names decoded that way hid these objects.
  test("a key and a type starting with U+FEFF are listed, counted, truncated and created again", async () => {
    const base = tempDir();
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
    const type = "\uFEFFNote";
    const keys = ["\uFEFF", "\uFEFFa", "b"];
    for (const key of keys) await store.save(type, key, { key });
    const page = await store.page(type);
    expect(page.pagination.total).toBe(3);
    expect(page.result.map((o) => o.key)).toEqual(["b", "\uFEFF", "\uFEFFa"]);
    const scanned: string[] = [];
    for await (const o of store.scan(type)) scanned.push(o.key);
    expect(scanned).toEqual(["b", "\uFEFF", "\uFEFFa"]);
    expect(await store.types()).toEqual([type]);

    await store.truncate(type);
    expect(readdirSync(base)).toEqual([".objstore"]);
    expect(await store.get(type, "\uFEFFa")).toBeUndefined();
    await store.save(type, "\uFEFFa", 2); // a create: OBJECT_EXISTS if the old file survived
    expect((await store.get(type, "\uFEFFa"))?.version).toBe("1");
    await store.close();
  });
});
