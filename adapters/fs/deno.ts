/**
 * The {@link FileSystem} port on Deno's `Deno.*` file APIs. Errors are mapped to Node-style
 * codes (`ENOENT`, `EEXIST`, `EACCES`, ...) as the port requires.
 *
 * @example
 * ```ts
 * import { denoFileSystem } from "@objstore/objstore/deno";
 * const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: "/var/data" }, { fileSystem: denoFileSystem });
 * ```
 *
 * @module
 */
import process from "node:process";
import type { FileSystem } from "../../src/file-system.ts";

const encoder = new TextEncoder();

/** Deno's error classes by the Node-style code the port uses (Deno's errors often carry `code` too). */
const CODES: [string, string][] = [
  ["NotFound", "ENOENT"],
  ["AlreadyExists", "EEXIST"],
  ["PermissionDenied", "EACCES"],
  ["NotADirectory", "ENOTDIR"],
  ["IsADirectory", "EISDIR"],
  ["DirectoryNotEmpty", "ENOTEMPTY"],
  ["ReadOnly", "EROFS"],
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const errors = Deno.errors as unknown as Record<string, (abstract new (...args: never[]) => Error) | undefined>;
  for (const [name, mapped] of CODES) {
    const cls = errors[name];
    if (cls && error instanceof cls) return mapped;
  }
  return undefined;
}

/** Re-throws `error` with a Node-style `code` when it has none. */
function mapped(error: unknown): unknown {
  const code = codeOf(error);
  if (error instanceof Error && code !== undefined && (error as { code?: unknown }).code !== code) {
    try {
      Object.defineProperty(error, "code", { value: code, configurable: true });
    } catch {
      // frozen: keep as is
    }
  }
  return error;
}

let scope: [string | undefined] | undefined;

/** Linux: the boot id and the PID namespace, read once; `undefined` elsewhere (or without --allow-read there). */
function linuxProcessScope(): string | undefined {
  try {
    return `${Deno.readTextFileSync("/proc/sys/kernel/random/boot_id").trim()}/${Deno.readLinkSync("/proc/self/ns/pid")}`;
  } catch {
    return undefined;
  }
}

/**
 * The file system of Deno, for the SimpleFileStore driver. `@objstore/objstore/deno` injects it.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance, denoFileSystem } from "@objstore/objstore/deno";
 * const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: "/var/data" }, { fileSystem: denoFileSystem });
 * ```
 */
export const denoFileSystem: FileSystem = {
  async readText(path) {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      if (codeOf(error) === "ENOENT") return undefined;
      throw mapped(error);
    }
  },

  async writeText(path, text, options = {}) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, options.exclusive ? { write: true, createNew: true, mode: 0o644 } : { write: true, create: true, truncate: true, mode: 0o644 });
    } catch (error) {
      if (options.exclusive && codeOf(error) === "EEXIST") return false;
      throw mapped(error);
    }
    try {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      if (options.sync) await file.sync();
    } catch (error) {
      throw mapped(error);
    } finally {
      file.close();
    }
    return true;
  },

  async rename(from, to) {
    try {
      await Deno.rename(from, to);
    } catch (error) {
      throw mapped(error);
    }
  },

  async link(existing, path) {
    try {
      await Deno.link(existing, path);
      return true;
    } catch (error) {
      if (codeOf(error) === "EEXIST") return false;
      throw mapped(error);
    }
  },

  async touch(path) {
    const now = new Date();
    try {
      await Deno.utime(path, now, now);
      return true;
    } catch (error) {
      if (codeOf(error) === "ENOENT") return false;
      throw mapped(error);
    }
  },

  async remove(path) {
    try {
      await Deno.remove(path);
      return true;
    } catch (error) {
      if (codeOf(error) === "ENOENT") return false;
      throw mapped(error);
    }
  },

  async makeDir(path) {
    try {
      await Deno.mkdir(path, { recursive: true });
    } catch (error) {
      throw mapped(error);
    }
  },

  async removeDir(path) {
    try {
      const info = await Deno.lstat(path);
      if (!info.isDirectory) return false;
      await Deno.remove(path);
      return true;
    } catch (error) {
      const code = codeOf(error);
      if (code === "ENOENT" || code === "ENOTEMPTY" || code === "EEXIST") return false;
      throw mapped(error);
    }
  },

  async readDir(path) {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(path)) names.push(entry.name);
    } catch (error) {
      if (codeOf(error) === "ENOENT") return [];
      throw mapped(error);
    }
    return names;
  },

  async hasEntries(path) {
    try {
      for await (const _ of Deno.readDir(path)) return true;
      return false;
    } catch (error) {
      if (codeOf(error) === "ENOENT") return false;
      throw mapped(error);
    }
  },

  async exists(path) {
    try {
      Deno.lstatSync(path); // synchronous: a local metadata lookup, cheaper than an async op
      return true;
    } catch {
      return false;
    }
  },

  async stat(path) {
    try {
      const info = await Deno.stat(path);
      return { kind: info.isFile ? "file" : info.isDirectory ? "directory" : "other", mtimeMs: info.mtime?.getTime() ?? 0 };
    } catch (error) {
      const code = codeOf(error);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw mapped(error);
    }
  },

  async syncDir(path) {
    // Best effort: Windows cannot open a directory for fsync.
    let file: Deno.FsFile | undefined;
    try {
      file = await Deno.open(path, { read: true });
      await file.sync();
    } catch {
      // best effort
    } finally {
      file?.close();
    }
  },

  pid: Deno.pid,
  // Read on first use: Deno.hostname() needs --allow-sys, which only lock contention asks for.
  get hostname() {
    try {
      return Deno.hostname();
    } catch {
      return "";
    }
  },

  get processScope() {
    return (scope ??= [linuxProcessScope()])[0];
  },

  isProcessAlive(pid) {
    // Deno.kill has no signal 0; Deno's node:process does the kill(pid, 0) probe.
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as { code?: unknown } | null)?.code === "EPERM";
    }
  },
};
