/**
 * Child of the lock tests (test/file-lock.test.ts): opens the SimpleFileStore at argv[0] and runs
 * argv[1] rounds; each round increments Counter/hits (one object) and then Counter/a, b and c in
 * one transaction (a journalled commit), re-run on conflicts. Prints `done <rounds>` and exits 0.
 *
 * With argv[2] = "stall" it stops itself (SIGSTOP, after printing `stop`) while holding the lock,
 * for the parent to continue it (SIGCONT) once the lock has gone stale: right after the lock file
 * is created (the 3rd and 40th time), and while writing a commit's temp files (the 30th).
 * The stale time is then short (lock.staleMs below).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import process from "node:process";
import { createObjectStoreInstance, type FileSystem, type ObjectStore } from "../../mod.ts";
import { fileDriver } from "../../src/drivers/file/driver.ts";
import { createStore } from "../../src/store.ts";
import { fileSystem } from "./runtime.ts";

const [base, roundsText, mode] = process.argv.slice(2);
const rounds = Number(roundsText);

/** Lock timing of the stall mode: the test's stops (2.6 s) outlast the stale time. */
const STALL_LOCK = { staleMs: 800, heartbeatMs: 100 };

function stopSelf(why: string): void {
  writeSync(1, `stop ${why}\n`);
  process.kill(process.pid, "SIGSTOP");
}

/** This runtime's file system, stopping this process at the points named above. */
function stalling(inner: FileSystem): FileSystem {
  const lockPath = `${base}/.objstore/lock`;
  let locks = 0;
  let temps = 0;
  return {
    ...inner,
    async link(existing, path) {
      const linked = await inner.link(existing, path);
      if (linked && path === lockPath && [3, 40].includes(++locks)) stopSelf("after taking the lock");
      return linked;
    },
    async writeText(path, text, options) {
      if (path === lockPath && options?.exclusive) {
        // A lock taken by an exclusive create, then written (what the bindings' exclusive write does).
        let fd: number;
        try {
          fd = openSync(path, "wx");
        } catch (error) {
          if ((error as { code?: string }).code === "EEXIST") return false;
          throw error;
        }
        if ([3, 40].includes(++locks)) stopSelf("after creating the lock file");
        writeSync(fd, text);
        closeSync(fd);
        return true;
      }
      if (path.startsWith(`${base}/.objstore/tmp/`) && [30].includes(++temps)) stopSelf("while writing a temp file");
      return inner.writeText(path, text, options);
    },
  };
}

const store: ObjectStore = mode === "stall"
  ? createStore(fileDriver({ baseLocation: base!, fileSystem: stalling(fileSystem), lock: STALL_LOCK }))
  : createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base! }, { fileSystem });

const increment = (n: unknown) => ((n as number | undefined) ?? 0) + 1;
for (let round = 0; round < rounds; round++) {
  await store.transaction((tx) => tx.update("Counter", "hits", increment), { retries: 100_000 });
  await store.transaction(async (tx) => {
    for (const key of ["a", "b", "c"]) await tx.update("Counter", key, increment);
  }, { retries: 100_000 });
}
await store.close();
process.stdout.write(`done ${rounds}\n`, () => process.exit(0));
