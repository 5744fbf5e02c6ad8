import { afterAll, describe, expect, test } from "bun:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { createObjectStoreInstance } from "../mod.ts";
import { fileSystem, helperCommand, removeTempDirs, ROOT_DIR, runtime, tempDir } from "./file/runtime.ts";

// The commit lock between processes that cannot see each other's pids (PID namespaces) and with
// holders that stall past the stale time. Children run test/file/lock-child.ts on this runtime.

afterAll(removeTempDirs);

const ROUNDS = 60;

/**
 * Every line `child` prints, once its output ends. (Not its exit event: Deno's node:child_process
 * reports a stopped child as exited.) A child prints `done` only after all its commits succeeded.
 */
function finished(child: ChildProcess, onLine: (line: string) => void = () => {}): Promise<string[]> {
  const lines: string[] = [];
  let partial = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const line of parts) lines.push(line), onLine(line);
  });
  return new Promise((resolve) => child.stdout!.once("end", () => resolve(lines)));
}

/** Every counter the children increment ends at exactly `expected`: none lost, no transaction torn. */
async function expectCounters(base: string, expected: number): Promise<void> {
  const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
  const found: Record<string, [unknown, string | undefined]> = {};
  for (const key of ["hits", "a", "b", "c"]) {
    const o = await store.get("Counter", key);
    found[key] = [o?.value, o?.version];
  }
  await store.close();
  const exact: [number, string] = [expected, String(expected)];
  expect(found).toEqual({ hits: exact, a: exact, b: exact, c: exact });
}

/** Whether this machine lets us make PID namespaces (root on Linux with util-linux's unshare). */
const canUnshare = process.platform === "linux" && process.getuid?.() === 0 &&
  spawnSync("unshare", ["--pid", "--fork", "true"]).status === 0;

describe(`SimpleFileStore lock across processes (${runtime})`, () => {
  // Containers sharing a volume: same host name, each its own PID namespace.
  test.skipIf(!canUnshare)("two writers in separate PID namespaces on one folder: exact counters, no torn transaction", async () => {
    const base = tempDir();
    const [command, argv] = helperCommand("lock-child.ts", [base, String(ROUNDS)]);
    // In its namespace the shell is pid 1; the writer is pid 2 in one and pid 3 in the other
    // (after /bin/true), so each writer's pid is a dead or foreign one in the other namespace.
    const children = ['"$0" "$@"; exit $?', '/bin/true; "$0" "$@"; exit $?'].map((script) =>
      spawn("unshare", ["--pid", "--fork", "sh", "-c", script, command, ...argv], { cwd: ROOT_DIR, stdio: ["ignore", "pipe", "inherit"] })
    );
    const results = await Promise.all(children.map((child) => finished(child)));
    expect(results.map((lines) => lines.filter((l) => l.startsWith("done")))).toEqual([[`done ${ROUNDS}`], [`done ${ROUNDS}`]]);
    await expectCounters(base, 2 * ROUNDS);
  }, 120_000);

  // A GC pause, a frozen VM: the holder stops past the stale time (0.8 s in the child) at the
  // moment it took the lock and while writing a commit; the other process breaks the lock meanwhile.
  test("holders stopped (SIGSTOP) past the stale time and continued lose no increment", async () => {
    const base = tempDir();
    const STOP_MS = 2600; // past the child's stale time, and past 2 s (how long an unwritten lock used to count as live)
    const children = [0, 1].map(() => spawn(...helperCommand("lock-child.ts", [base, String(ROUNDS), "stall"]), {
      cwd: ROOT_DIR,
      stdio: ["ignore", "pipe", "inherit"],
    }));
    let stops = 0;
    const results = await Promise.all(children.map((child) =>
      finished(child, (line) => {
        if (!line.startsWith("stop")) return;
        stops++;
        setTimeout(() => process.kill(child.pid!, "SIGCONT"), STOP_MS); // (Deno's child.kill cannot send SIGCONT)
      })
    ));
    expect(results.map((lines) => lines.filter((l) => l.startsWith("done")))).toEqual([[`done ${ROUNDS}`], [`done ${ROUNDS}`]]);
    expect(stops).toBe(6);
    await expectCounters(base, 2 * ROUNDS);
  }, 120_000);
});
