import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import "../src/drivers/register/all.ts";
import { BackendError, ConfigError, createObjectStoreInstance, ObjectStoreError } from "../mod.ts";
import { fileDriver } from "../src/drivers/file/driver.ts";
import { createStore } from "../src/store.ts";
import { expectError } from "./conformance/mod.ts";
import { fileSystem, removeTempDirs, runtime, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);

const open = (base: string) => createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });

async function configProblem(base: string): Promise<string> {
  const store = open(base); // no I/O yet
  const error = await expectError(store.types(), ConfigError, "INVALID_CONFIG");
  await store.close();
  const issues = (error as ConfigError).issues;
  expect(issues.length).toBe(1);
  expect(issues[0]!.path).toBe("BaseLocation");
  return issues[0]!.message;
}

describe("SimpleFileStore BaseLocation checks (ConfigError at the first operation)", () => {
  test("missing; and the same store works once the folder exists", async () => {
    const base = join(tempDir(), "later");
    const store = open(base);
    expect((await expectError(store.get("T", "k"), ConfigError, "INVALID_CONFIG")).message).toContain("does not exist");
    mkdirSync(base);
    await store.save("T", "k", 1);
    expect((await store.get("T", "k"))?.value).toBe(1);
    await store.close();
  });

  test("not a directory", async () => {
    const file = join(tempDir(), "file");
    writeFileSync(file, "x");
    expect(await configProblem(file)).toContain("is not a directory");
  });

  // root can write anywhere, so a read-only folder only fails for other users.
  test.skipIf(process.getuid?.() === 0)("not writable", async () => {
    const base = tempDir();
    chmodSync(base, 0o555);
    try {
      expect(await configProblem(base)).toContain("is not writable");
    } finally {
      chmodSync(base, 0o755);
    }
  });

  test("not writable, as a file system refusing writes reports it (EACCES)", async () => {
    const refuse = () => Promise.reject(Object.assign(new Error("permission denied"), { code: "EACCES" }));
    const readOnly = Object.create(fileSystem, { makeDir: { value: refuse }, writeText: { value: refuse } });
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: tempDir() }, { fileSystem: readOnly });
    const error = await expectError(store.types(), ConfigError, "INVALID_CONFIG");
    expect((error as ConfigError).issues[0]!.message).toContain("is not writable");
    await store.close();
  });

  test("a trailing / or \\ is a ConfigError when the store is created", () => {
    for (const BaseLocation of ["/tmp/store/", "C:\\store\\"]) {
      expect(() => createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation }, { fileSystem })).toThrow(ConfigError);
    }
  });

  test("without a file system: UNSUPPORTED naming the runtime entry points", () => {
    let error: unknown;
    try {
      createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: tempDir() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as ObjectStoreError).code).toBe("UNSUPPORTED");
    expect((error as Error).message).toContain("@objstore/objstore/node");
  });

  test(`the ${runtime} entry point injects its file system`, async () => {
    const entry = runtime === "deno" ? await import("../adapters/deno.ts") : runtime === "bun" ? await import("../adapters/bun.ts") : await import("../adapters/node.ts");
    const store = entry.createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: tempDir() });
    await store.save("T", "k", { a: 1 });
    expect((await store.get("T", "k"))?.value).toEqual({ a: 1 });
    await store.close();
  });
});

describe("SimpleFileStore reopening and recovery", () => {
  test("a store reopened by a new instance sees every type and object", async () => {
    const base = tempDir();
    const types = ["Person", "person", "a/b", "😀", "..", "T".repeat(100)];
    const first = open(base);
    for (const type of types) for (const key of ["x", "X", "y z"]) await first.save(type, key, { type, key });
    await first.remove("Person", "x");
    await first.close();
    const second = open(base);
    expect((await second.types()).sort()).toEqual([...types].sort());
    expect((await second.page("Person")).result.map((o) => o.key)).toEqual(["X", "y z"]);
    expect((await second.get("😀", "y z"))?.value).toEqual({ type: "😀", key: "y z" });
    expect((await second.update("..", "x", (v) => ({ ...(v as object), n: 1 }))).version).toBe("2");
    await second.close();
  });

  test("opening rolls a journalled commit forward and deletes leftover temp files", async () => {
    const base = tempDir();
    const store = open(base);
    await store.save("T", "gone", 0);
    await store.close();
    // A commit that crashed after its commit point: temp files and journal on disk, nothing applied.
    const tmp = join(base, ".objstore", "tmp");
    const object = (key: string) => JSON.stringify({ type: "T", key, version: "1", created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:00.000Z", value: key });
    writeFileSync(join(tmp, "aa.json"), object("a"));
    writeFileSync(join(tmp, "bb.json"), object("b"));
    writeFileSync(join(tmp, "cc.json"), "half a commit that never reached its journal");
    writeFileSync(join(base, ".objstore", "journal.json"), JSON.stringify({
      renames: [[".objstore/tmp/aa.json", "_t/a.json"], [".objstore/tmp/bb.json", "_t/b.json"]],
      deletes: ["_t/gone.json"],
    }));
    const reopened = open(base);
    expect((await reopened.page("T")).result.map((o) => [o.key, o.value])).toEqual([["a", "a"], ["b", "b"]]);
    expect(existsSync(join(base, ".objstore", "journal.json"))).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    await reopened.close();
  });

  test("a lock left by a dead process is broken; a live holder makes commits wait, then time out", async () => {
    const base = tempDir();
    const store = open(base);
    await store.save("T", "k", 1);
    const lock = join(base, ".objstore", "lock");
    const holder = (pid: number, scope = fileSystem.processScope) =>
      JSON.stringify({ token: "ab".repeat(16), pid, host: fileSystem.hostname, scope });
    let dead = 4_194_000;
    while (fileSystem.isProcessAlive(dead)) dead--;
    writeFileSync(lock, holder(dead));
    await store.save("T", "k2", 2);
    expect(existsSync(lock)).toBe(fileSystem.processScope === undefined); // no scope: only a stopped heartbeat tells

    // Held by a live process (this one, as another instance would): commits wait for it.
    writeFileSync(lock, holder(fileSystem.pid));
    const patient = createStore(fileDriver({ baseLocation: base, fileSystem, lock: { timeoutMs: 300 } }));
    await expectError(patient.save("T", "k3", 3), BackendError, "BACKEND_UNAVAILABLE");
    const waiting = store.save("T", "k4", 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    (await import("node:fs")).unlinkSync(lock); // released
    await waiting;
    expect((await store.page("T")).result.map((o) => o.key)).toEqual(["k", "k2", "k4"]);
    await store.close();
    await patient.close();
  });

  test("a lock from another PID namespace or host, or an unreadable one, is stale only once its heartbeat stops", async () => {
    const base = tempDir();
    const lock = join(base, ".objstore", "lock");
    const staleMs = 400;
    const store = createStore(fileDriver({ baseLocation: base, fileSystem, lock: { staleMs, timeoutMs: 10_000 } }));
    await store.save("T", "k", 1);
    for (const text of [JSON.stringify({ token: "cd".repeat(16), pid: 1, host: fileSystem.hostname, scope: "elsewhere" }), "", "{half"]) {
      writeFileSync(lock, text);
      // A heartbeat for a while: the lock is live, however dead pid 1 or an empty file looks.
      const beat = setInterval(() => utimesSync(lock, new Date(), new Date()), 50);
      const started = performance.now();
      const saving = store.update("T", "k", (n) => (n as number) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2 * staleMs));
      clearInterval(beat);
      await saving;
      expect(performance.now() - started).toBeGreaterThan(2 * staleMs + staleMs / 2);
      expect(existsSync(lock)).toBe(false);
    }
    expect((await store.get("T", "k"))?.value).toBe(4);
    await store.close();
  });

  test("a damaged object file is a BackendError, not a crash", async () => {
    const base = tempDir();
    const store = open(base);
    await store.save("T", "k", 1);
    writeFileSync(join(base, "_t", "k.json"), "{ not json");
    await expectError(store.get("T", "k"), BackendError, "BACKEND_ERROR");
    await store.close();
  });
});
