// SimpleFileStore keeps a type's sorted listing while no commit happened (the generation token is
// unchanged), so pages between commits do not list the directory; any commit, also by another
// store on the same folder, makes the next page list again.
import { afterAll, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import type { FileSystem } from "../src/file-system.ts";
import { fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);

function counting(fs: FileSystem): { fs: FileSystem; listings: () => number } {
  let n = 0;
  return { fs: { ...fs, readDir: (path: string) => (n++, fs.readDir(path)) }, listings: () => n };
}

describe("SimpleFileStore listings", () => {
  test("cursor pages between commits do not list the directory; other stores' commits are seen", async () => {
    const base = tempDir();
    const { fs, listings } = counting(fileSystem);
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem: fs });
    const other = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
    await store.transaction(async (tx) => {
      for (let i = 0; i < 30; i++) await tx.save("T", `k${String(i).padStart(2, "0")}`, i);
    });
    let page = await store.page("T", { pagesize: 5 });
    const before = listings();
    const keys = page.result.map((o) => o.key);
    while (page.next) {
      page = await store.page("T", { cursor: page.next, pagesize: 5 });
      keys.push(...page.result.map((o) => o.key));
    }
    expect(keys).toHaveLength(30);
    expect((await store.page("T", { offset: 10, pagesize: 2 })).pagination.total).toBe(30);
    expect(listings()).toBe(before);

    await other.save("T", "k05a", "new");
    await other.remove("T", "k00");
    const after = await store.page("T", { pagesize: 3 });
    expect(after.result.map((o) => o.key)).toEqual(["k01", "k02", "k03"]);
    expect(after.pagination.total).toBe(30);
    expect((await store.page("T", { offset: 5, pagesize: 1 })).result.map((o) => o.key)).toEqual(["k05a"]);
    expect(listings()).toBe(before + 1);
    await store.close();
    await other.close();
  });
});
