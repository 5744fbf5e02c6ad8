/**
 * The SimpleFileStore driver: one JSON file per object under BaseLocation (layout.ts), names
 * that cannot escape it (names.ts), commits under a cross-process lock (lock.ts) applied
 * crash-safely (journal.ts), listings from directory listings (listing.ts).
 *
 * @module
 */
import { CommitConflict, type Driver, type PageRequest, satisfies, type Write } from "../../driver.ts";
import { BackendError, ConfigError } from "../../errors.ts";
import { type FileSystem, fsErrorCode } from "../../file-system.ts";
import { applyChanges, type Changes, type Owns, recover, writeTemp } from "./journal.ts";
import { type FileFormat, objstoreFormat, originalFormat } from "./format.ts";
import { dirOf, type Layout } from "./layout.ts";
import { fileLock, type FileLockOptions, LockLostError } from "./lock.ts";

/** Takeovers of the lock (this process stalled past the stale time) one commit survives before failing. */
const MAX_TAKEOVERS = 20;

/** Options of {@link fileDriver}. */
export interface FileDriverOptions {
  /** The store's folder: an existing, writable directory, without a trailing `/` or `\`. */
  baseLocation: string;
  /** The runtime's file system (`nodeFileSystem`, `bunFileSystem`, `denoFileSystem`). */
  fileSystem: FileSystem;
  /** `"original"`: the Python original's folders and files (see original.ts). @default "objstore" */
  layout?: "objstore" | "original";
  /** Lock timing (tests shorten it). */
  lock?: FileLockOptions;
}

/**
 * A driver storing each object as a JSON file under `baseLocation`. No I/O happens until the
 * first operation, which checks the folder (ConfigError when it is missing, not a directory or
 * not writable) and finishes any commit a crash interrupted.
 *
 * @example
 * ```ts
 * const store = createStore(fileDriver({ baseLocation: "/var/datastore", fileSystem: nodeFileSystem }));
 * await store.save("Person", "ann", { name: "Ann" }); // writes /var/datastore/_person/ann.json
 * ```
 */
export function fileDriver(options: FileDriverOptions): Driver {
  const fs = options.fileSystem;
  const format: FileFormat = options.layout === "original" ? originalFormat : objstoreFormat;
  const layout = format.layoutOf(options.baseLocation);
  const lock = fileLock(fs, layout.lock, options.lock);
  let ready: Promise<void> | undefined;
  /** Commits of this instance run one at a time (the file lock orders them against other processes). */
  let queue: Promise<unknown> = Promise.resolve();
  /** Set while this instance applies a commit; its reads wait, so they never see half of one. */
  let applying: Promise<void> | undefined;

  const open = (): Promise<void> => {
    ready ??= openStore(fs, layout).catch((error) => {
      ready = undefined; // check again next time (the folder may be fixed)
      throw error;
    });
    return ready;
  };
  const settled = async () => {
    await open();
    while (applying) await applying;
  };

  /**
   * Runs `fn` under the lock. A lock lost while this process stalled (fn saw `owns()` false
   * before its point of no return, so nothing was written) is taken again and `fn` redone.
   */
  const withLock = async <T>(fn: (owns: Owns) => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      for (let attempt = 1; ; attempt++) {
        const hold = await lock.acquire();
        try {
          if (hold.brokeStale) await recover(fs, layout, hold.owns);
          return await fn(hold.owns);
        } catch (error) {
          if (!(error instanceof LockLostError)) throw error;
          if (attempt >= MAX_TAKEOVERS) {
            throw new BackendError("BACKEND_UNAVAILABLE", `The store's lock was taken over ${attempt} times during one commit`, { cause: error });
          }
        } finally {
          await hold.release();
        }
      }
    });
    queue = run.catch(() => {});
    return run;
  };

  /** Waits out a multi-object commit another instance or process is applying (or finishes a dead one's). */
  const awaitJournal = async (): Promise<boolean> => {
    if (!(await fs.exists(layout.journal))) return false;
    await withLock((owns) => recover(fs, layout, owns));
    return true;
  };
  /**
   * Runs `read` so it never sees a multi-object commit half-applied, by this or any process: a
   * journal present before or after the read means one was being applied, so wait for it and
   * read again. With `snapshot` (reads of several files), a changed generation token also means
   * a commit landed during the read. After a few tries the read runs under the lock, so a reader
   * cannot starve. A read of one file needs no snapshot: the file is replaced atomically.
   */
  const consistent = async <T>(read: () => Promise<T>, snapshot: boolean): Promise<T> => {
    await settled();
    for (let attempt = 0; attempt < 3; attempt++) {
      await awaitJournal();
      const before = snapshot ? await fs.readText(layout.generation) : undefined;
      const result = await read();
      // Journal first, then the token: a commit removes its journal only after replacing the token.
      if (await fs.exists(layout.journal)) continue;
      if (!snapshot || (await fs.readText(layout.generation)) === before) return result;
    }
    return withLock(read);
  };

  return {
    kind: "SimpleFileStore",

    async get(type, key) {
      const path = await layout.objectFile(type, key);
      return consistent(() => format.readObject(fs, path, type, key), false);
    },

    page(type, request: PageRequest) {
      return consistent(() => format.pageOf(fs, layout, type, request), true);
    },

    // Streams: a commit applied while a scan runs may show in the part not yet read.
    async *scan(type, terms) {
      await settled();
      await awaitJournal();
      yield* format.scanOf(fs, layout, type, terms);
    },

    types() {
      return consistent(() => format.typesOf(fs, layout), true);
    },

    async commit(writes: Write[]) {
      await open();
      await withLock(async (owns) => {
        const changes = await planChanges(fs, layout, format, writes);
        let done!: () => void;
        applying = new Promise((resolve) => (done = resolve));
        try {
          await applyChanges(fs, layout, changes, owns);
        } finally {
          applying = undefined;
          done();
        }
        const dirs = new Set(format.removesEmptyTypes ? changes.deletes.map(dirOf) : []);
        if (dirs.size > 0 && !(await owns())) return;
        for (const dir of dirs) await fs.removeDir(dir); // only when empty: a type without objects has no folder
      });
    },

    async close() {
      await queue;
    },
  };

  async function openStore(fs: FileSystem, layout: Layout): Promise<void> {
    await checkBase(fs, layout);
    await withLock((owns) => recover(fs, layout, owns));
  }
}

/** Checks the conditions of `writes` (under the lock) and returns the file changes they make. */
async function planChanges(fs: FileSystem, layout: Layout, format: FileFormat, writes: Write[]): Promise<Changes> {
  const truncated = new Set<string>();
  const changes: Changes = { puts: [], deletes: [] };
  const targets = new Set<string>();
  for (const [index, write] of writes.entries()) {
    if (write.op === "truncate") {
      truncated.add(write.type);
      continue;
    }
    const path = await layout.objectFile(write.type, write.key);
    const current = truncated.has(write.type) ? undefined : (await format.readObject(fs, path, write.type, write.key))?.version;
    if (!satisfies(write.expect, current)) throw new CommitConflict(index, current);
    targets.add(path);
    if (write.op === "put") changes.puts.push({ path, text: format.encodeObject(write.type, write.record) });
    else if (current !== undefined) changes.deletes.push(path);
  }
  for (const type of truncated) {
    for (const { path } of await format.listType(fs, layout, type)) if (!targets.has(path)) changes.deletes.push(path);
  }
  return changes;
}

/** The original's BaseLocation checks, as ConfigErrors; then the driver's own folders. */
async function checkBase(fs: FileSystem, layout: Layout): Promise<void> {
  const base = layout.base;
  const problem = (message: string) => new ConfigError([{ path: "BaseLocation", message: `${message} (${base})` }]);
  if (base === "") throw problem("must not be empty");
  if (/[/\\]$/.test(base)) throw problem("must not end with / or \\");
  const info = await fs.stat(base);
  if (info === undefined) throw problem("does not exist");
  if (info.kind !== "directory") throw problem("is not a directory");
  try {
    await fs.makeDir(layout.tmp);
    await fs.remove(await writeTemp(fs, layout, '{"probe":true}'));
  } catch (error) {
    const code = fsErrorCode(error);
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") throw problem("is not writable");
    throw error;
  }
}
