/**
 * The cross-process commit lock: a file created exclusively (`O_EXCL`), holding the holder's
 * pid, host and time, deleted on release. A lock whose holder died is stale and is broken:
 * on the same host when its pid is no longer alive, from another host when it is older than
 * `foreignStaleMs`. Breaking is itself guarded by a short-lived `lock.break` file, so two
 * processes that both find a stale lock cannot delete a fresh lock taken in between.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import type { FileSystem } from "../../file-system.ts";

/** Options of {@link fileLock}. */
export interface FileLockOptions {
  /** Give up (BACKEND_UNAVAILABLE) after waiting this long for a live holder. @default 30000 */
  timeoutMs?: number;
  /** A lock from another host is stale after this long. @default 60000 */
  foreignStaleMs?: number;
}

/** A cross-process lock; `acquire` resolves `true` when it had to break a stale lock. */
export interface FileLock {
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  time: number;
}

/** An unreadable lock file (its holder died between creating and writing it) is stale after this. */
const UNWRITTEN_STALE_MS = 2000;

/**
 * The lock at `path`.
 *
 * @example
 * ```ts
 * const lock = fileLock(fs, "/data/.objstore/lock");
 * await lock.acquire();
 * try { ... } finally { await lock.release(); }
 * ```
 */
export function fileLock(fs: FileSystem, path: string, options: FileLockOptions = {}): FileLock {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const foreignStaleMs = options.foreignStaleMs ?? 60_000;
  const breakPath = `${path}.break`;
  const content = () => JSON.stringify({ pid: fs.pid, host: fs.hostname, time: Date.now(), since: new Date().toISOString() });

  const isStale = async (text: string | undefined, at: string): Promise<boolean> => {
    const holder = parseHolder(text);
    if (holder === undefined) {
      const info = await fs.stat(at);
      return info !== undefined && Date.now() - info.mtimeMs > UNWRITTEN_STALE_MS;
    }
    if (holder.host === fs.hostname) return !fs.isProcessAlive(holder.pid);
    return Date.now() - holder.time > foreignStaleMs;
  };

  /** Deletes the lock if it still is the stale one seen (`observed`); true when it did. */
  const breakStale = async (observed: string | undefined): Promise<boolean> => {
    if (!(await fs.writeText(breakPath, content(), { exclusive: true }))) {
      // Another process is breaking it; its guard is stale only if it died doing so.
      const other = await fs.readText(breakPath);
      if (other === undefined || (await isStale(other, breakPath))) await fs.remove(breakPath);
      return false;
    }
    try {
      if ((await fs.readText(path)) !== observed) return false;
      return await fs.remove(path);
    } finally {
      await fs.remove(breakPath);
    }
  };

  return {
    async acquire() {
      const started = Date.now();
      let broke = false;
      for (let attempt = 0; ; attempt++) {
        if (await fs.writeText(path, content(), { exclusive: true })) return broke;
        const text = await fs.readText(path);
        if (text === undefined) continue; // released in between
        if ((await isStale(text, path)) && (await breakStale(text))) {
          broke = true;
          continue;
        }
        if (Date.now() - started > timeoutMs) {
          const holder = parseHolder(text);
          const who = holder ? `process ${holder.pid} on ${holder.host || "an unknown host"}` : "another process";
          throw new BackendError("BACKEND_UNAVAILABLE", `The store's lock ${path} has been held by ${who} for over ${timeoutMs} ms`);
        }
        await sleep(Math.random() * Math.min(2 ** attempt, 25));
      }
    },

    async release() {
      await fs.remove(path);
    },
  };
}

function parseHolder(text: string | undefined): Holder | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Partial<Holder>;
    if (typeof o.pid === "number" && typeof o.host === "string" && typeof o.time === "number") return o as Holder;
  } catch {
    // half-written
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
