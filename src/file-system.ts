/**
 * The `FileSystem` port: the few file operations the SimpleFileStore driver needs. `src/` stays
 * free of runtime APIs; `adapters/fs/{node,bun,deno}.ts` implement this for each runtime and the
 * runtime entry points (`@objstore/objstore/node`, `/bun`, `/deno`) inject it as `CreateOptions.fileSystem`.
 *
 * Paths are joined with `/` (which every runtime also accepts on Windows). A failed operation
 * throws an error with a Node-style `code` (`ENOENT`, `EEXIST`, `EACCES`, `EPERM`, `EROFS`,
 * `ENOTDIR`, `ENOTEMPTY`, ...); the bindings map their runtime's errors to these codes.
 *
 * @module
 */

/** What {@link FileSystem.stat} reports. */
export interface FileInfo {
  /** What the path is. */
  kind: "file" | "directory" | "other";
  /** Last modification, ms since the epoch. */
  mtimeMs: number;
}

/**
 * The runtime services the SimpleFileStore driver needs: files, directories, and (for its
 * cross-process lock) the identity and liveness of processes.
 *
 * @example
 * ```ts
 * import { nodeFileSystem } from "@objstore/objstore/node"; // or bunFileSystem / denoFileSystem
 * const store = createObjectStoreInstance(
 *   { Type: "SimpleFileStore", BaseLocation: "/var/datastore" },
 *   { fileSystem: nodeFileSystem },
 * );
 * ```
 */
export interface FileSystem {
  /** Reads a UTF-8 file; `undefined` when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /**
   * Creates or replaces a file with `text`. With `sync`, the data is flushed to stable storage
   * (fsync) before the promise resolves. With `exclusive`, resolves `false` (writing nothing)
   * when the file already exists, `true` otherwise.
   */
  writeText(path: string, text: string, options?: { sync?: boolean; exclusive?: boolean }): Promise<boolean>;
  /** Atomically renames `from` to `to`, replacing `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  /**
   * Makes `path` a hard link to the existing file `existing`, atomically: resolves `false`
   * (changing nothing) when `path` already exists, `true` otherwise. The commit lock is taken
   * this way, so it holds its owner's token from the instant it exists.
   */
  link(existing: string, path: string): Promise<boolean>;
  /** Sets a file's modification time to now (the lock's heartbeat); `false` when it does not exist. */
  touch(path: string): Promise<boolean>;
  /** Deletes a file; `false` when it did not exist. */
  remove(path: string): Promise<boolean>;
  /** Creates a directory and its missing parents; fine when it exists. */
  makeDir(path: string): Promise<void>;
  /** Deletes an empty directory; `false` when it is missing or not empty. */
  removeDir(path: string): Promise<boolean>;
  /** The names in a directory (no `.`/`..`), in no particular order; `[]` when it is missing. */
  readDir(path: string): Promise<string[]>;
  /** True when the directory holds at least one entry (reads one entry, not the whole listing). */
  hasEntries(path: string): Promise<boolean>;
  /**
   * True when something is at `path`: the cheap check readers make twice per read (bindings may
   * answer synchronously, as a local metadata lookup takes microseconds, and should not throw).
   */
  exists(path: string): Promise<boolean>;
  /** What is at `path`; `undefined` when nothing is. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** Flushes a directory's entries (after a rename or delete) where the platform allows; best effort. */
  syncDir(path: string): Promise<void>;
  /** This process's id. */
  readonly pid: number;
  /** This machine's host name (shown in lock messages). */
  readonly hostname: string;
  /**
   * Where this process's id means this process: one value per boot and PID namespace (on Linux
   * the boot id plus `/proc/self/ns/pid`), `undefined` where that cannot be known. A lock whose
   * holder has the same scope is broken as soon as its pid is gone; any other waits for its
   * heartbeat to stop (hosts, containers and PID namespaces share a host name and pids).
   */
  readonly processScope?: string;
  /** True when a process with this id is running in this process's {@link processScope}. */
  isProcessAlive(pid: number): boolean;
}

/**
 * The `code` of an error thrown by a {@link FileSystem}, if any.
 *
 * @example
 * ```ts
 * try { await fs.rename(a, b) } catch (e) { if (fsErrorCode(e) === "ENOENT") await fs.makeDir(dir) }
 * ```
 */
export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
