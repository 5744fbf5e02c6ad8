// `"layout": "original"` on SimpleFileStore: folders and files written the way the Python
// original writes them (test/original/python_formats.py: BaseLocation/_<fss(type)>/<fss(key)>
// holding repr() of its dict) are read as objects; what objstore writes is read back by Python's
// eval (the original's reader); and the seed's migration runs end to end with writers running.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, migrate, type ObjectStore, verify } from "../mod.ts";
import { fileSystem, removeTempDirs, tempDir } from "./file/runtime.ts";

const here = dirname(fileURLToPath(import.meta.url));
const python = (args: string[], input?: string): string => {
  const run = spawnSync("python3", [join(here, "original", "python_formats.py"), ...args], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
};
afterAll(removeTempDirs);

interface Literal {
  type: string;
  key: string;
  expected: { Data: unknown; ObjVer: number; Create: string; LastUpdate: string };
}
const samples = (JSON.parse(python(["file-literals"])) as Literal[]).filter((s) => !JSON.stringify(s.expected.Data).includes("RJMTypeDecimalClass"));
const utcMs = (iso: string) => new Date(iso).toISOString();
const original = (base: string) => createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base, layout: "original" }, { fileSystem });

describe("SimpleFileStore, the original's layout", () => {
  test("reads the folders and files the Python original wrote", async () => {
    const base = tempDir();
    python(["write-files", base]);
    const store = original(base);
    for (const s of samples) {
      const got = await store.get(s.type, s.key);
      expect([s.type, s.key, got?.value, got?.version]).toEqual([s.type, s.key, s.expected.Data, String(s.expected.ObjVer)]);
      expect([got?.created, got?.updated]).toEqual([utcMs(s.expected.Create), utcMs(s.expected.LastUpdate)]);
    }
    expect(await store.types()).toEqual(["Order", "Person", "Tricky"]);
    const page = await store.page("Person", { sort: "age:desc", pagesize: 3, query: "person" });
    // The Python side wrote no file for values holding a Decimal (the original cannot read one back).
    const people = samples.filter((s) => s.type === "Person");
    expect([page.pagination.total, page.result.map((o) => o.key)]).toEqual([people.length, ["p39", "p38", "p37"]]);
    await store.close();
  });

  test("writes files the Python original reads, with atomic version checks", async () => {
    const base = tempDir();
    python(["write-files", base]);
    const store = original(base);
    const p1 = (await store.get("Person", "p01"))!;
    await store.save("Person", "p01", { ...(p1.value as object), name: "it's \"new\" é" }, p1.version);
    await expect(store.save("Person", "p01", {}, p1.version)).rejects.toMatchObject({ code: "WRONG_OBJECT_VERSION" });
    await store.save("Person", "made", { raw: { rj5mt3ypebdf3ase_TYPE: "RJMTypeBytesClass", data: "bytes é" }, n: [1, 2.5, null, true] });
    await store.remove("Person", "p02");
    await store.transaction(async (tx) => {
      await tx.update("Order", "a/b", (v) => ({ ...(v as object), touched: true }));
      await tx.save("Order", "new/key", "x");
    });
    const seen = JSON.parse(python(["read-files", base])) as Record<string, { value: unknown; version: number }>;
    expect(seen["Person/p01"]).toEqual({ value: { ...(p1.value as object), name: "it's \"new\" é" }, version: Number(p1.version) + 1 });
    expect(seen["Person/made"]!.value).toEqual({ raw: { rj5mt3ypebdf3ase_TYPE: "RJMTypeBytesClass", data: "bytes é" }, n: [1, 2.5, null, true] });
    expect(seen["Person/p02"]).toBeUndefined();
    expect(seen["Order/new/key"]).toEqual({ value: "x", version: 1 });
    expect((seen["Order/a/b"]!.value as { touched: boolean }).touched).toBe(true);
    await store.close();
  });

  test("keys past the base64 file-name limit are INVALID_KEY and nothing is written", async () => {
    const store = original(tempDir());
    await expect(store.save("T", "k".repeat(200), 1)).rejects.toMatchObject({ code: "INVALID_KEY" });
    expect(await store.types()).toEqual([]);
    await store.save("T", "k".repeat(189), 1);
    expect((await store.get("T", "k".repeat(189)))?.value).toBe(1);
    await store.close();
  });

  test("the seed's migration: Migrating{From: original, To: objstore} with writers running, then migrate and verify: 0 differences", async () => {
    const from = tempDir(), to = tempDir();
    python(["write-files", from]);
    const fromConfig = { Type: "SimpleFileStore" as const, BaseLocation: from, layout: "original" as const };
    const toConfig = { Type: "SimpleFileStore" as const, BaseLocation: to };
    const live = createObjectStoreInstance({ Type: "Migrating", From: fromConfig, To: toConfig }, { fileSystem });
    const [source, target] = [createObjectStoreInstance(fromConfig, { fileSystem }), createObjectStoreInstance(toConfig, { fileSystem })];
    let writing = true;
    const writer = async (n: number) => {
      for (let i = 0; writing; i++) {
        await live.update("Person", `p${String((i * 7 + n) % 40).padStart(2, "0")}`, (v) => ({ ...(v as object), bumped: i }));
        if (i % 5 === 0) await live.save("Person", `live-${n}-${i}`, { n, i });
        if (i % 9 === 0) await live.remove("Person", `live-${n}-${i - 5}`, { ignoreMissing: true });
      }
    };
    const writers = [writer(1), writer(2)];
    await migrate({ from: source, to: target, batchSize: 10 });
    writing = false;
    await Promise.all(writers);
    const check = await verify({ from: source, to: target });
    expect({ missing: check.missing, extra: check.extra, different: check.different }).toEqual({ missing: 0, extra: 0, different: 0 });
    expect(Object.keys(JSON.parse(python(["read-files", from]))).length).toBeGreaterThan(40);
    for (const store of [live, source, target] as ObjectStore[]) await store.close();
  }, 120_000);
});
