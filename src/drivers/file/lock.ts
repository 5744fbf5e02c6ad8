/**
 * The cross-process commit lock, with fencing.
 *
 * - **Taken atomically with its owner's token.** A process writes a candidate file
 *   `lock.<token>` (the token is 128 random bits), then hard-links it to `lock`; the link fails
 *   when `lock` exists. So the lock holds its owner's token from the instant it exists.
 * - **Heartbeat.** While held, the owner touches its candidate (the same file as `lock`) every
 *   `heartbeatMs`. A waiter that sees the same lock with the same modification time for
 *   `staleMs` of its own monotonic clock takes it for stale: that works across hosts, containers
 *   and PID namespaces, and needs no agreement between clocks. A lock whose holder has this
 *   process's {@link FileSystem.processScope} (same boot, same PID namespace) is stale at once
 *   when its pid is gone.
 * - **Breaking** renames the stale lock to a unique name, then reads what it moved: the stale
 *   lock (deleted), or a fresh one taken in between (linked back at once). Two waiters that
 *   both find the lock stale cannot both break it, nor break a fresh one.
 * - **Fencing.** An owner checks it still holds the lock ({@link LockHold.owns}) before each step
 *   of a commit that cannot be undone; one that lost it (stalled past `staleMs`) stops, and the
 *   commit is redone under the lock again. Release deletes only the owner's own lock.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { type FileSystem, fsErrorCode } from "../../file-system.ts";

/** Options of {@link fileLock}. */
export interface FileLockOptions {
  /** Give up (BACKEND_UNAVAILABLE) after waiting this long for a live holder. @default 30000 */
  timeoutMs?: number;
  /** A lock whose heartbeat has not changed for this long is stale. @default 10000 */
  staleMs?: number;
  /** How often a holder refreshes its lock. @default 1000 */
  heartbeatMs?: number;
}

/** The cross-process lock. */
export interface FileLock {
  /** Waits for the lock (breaking a stale one) and returns the hold. */
  acquire(): Promise<LockHold>;
}

/** One holding of the lock. */
export interface LockHold {
  /** True when acquiring it broke a stale lock (whose commit may need finishing). */
  readonly brokeStale: boolean;
  /** True while this hold still owns the lock (reads the lock file). */
  owns(): Promise<boolean>;
  /** Stops the heartbeat and deletes the lock if it is still this hold's. */
  release(): Promise<void>;
}

/** Thrown by a commit step that found its lock lost before its point of no return: nothing was written. */
export class LockLostError extends Error {
  constructor() {
    super("The store's lock was taken over while this process stalled");
    this.name = "LockLostError";
  }
}

interface Holder {
  token: string;
  pid: number;
  host: string;
  scope?: string;
}

/**
 * The lock at `path`.
 *
 * @example
 * ```ts
 * const hold = await fileLock(fs, "/data/.objstore/lock").acquire();
 * try { if (await hold.owns()) ... } finally { await hold.release(); }
 * ```
 */
export function fileLock(fs: FileSystem, path: string, options: FileLockOptions = {}): FileLock {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 10_000;
  const heartbeatMs = options.heartbeatMs ?? 1_000;

  /** True when `text` names a holder in this process's scope whose process is gone. */
  const holderDead = (text: string): boolean => {
    const holder = parseHolder(text);
    const scope = fs.processScope;
    return holder !== undefined && scope !== undefined && holder.scope === scope && holder.pid !== fs.pid &&
      !fs.isProcessAlive(holder.pid);
  };

  /**
   * Moves the lock away if it is still `expected` (its whole text: tokens make it unique); true
   * when it did. A different lock moved by mistake (taken between the check and the rename) is
   * linked back at once.
   */
  const takeAway = async (expected: string): Promise<boolean> => {
    if ((await fs.readText(path)) !== expected) return false;
    const moved = `${path}.gone-${randomToken()}`;
    try {
      await fs.rename(path, moved);
    } catch (error) {
      if (fsErrorCode(error) === "ENOENT") return false;
      throw error;
    }
    const text = await fs.readText(moved);
    if (text !== expected) await fs.link(moved, path); // false: taken meanwhile; its owner finds out by `owns`
    await fs.remove(moved);
    return text === expected;
  };

  return {
    async acquire() {
      const token = randomToken();
      const mine = `${path}.${token}`;
      const text = JSON.stringify({ token, pid: fs.pid, host: fs.hostname, scope: fs.processScope, since: new Date().toISOString() });
      await fs.writeText(mine, text);
      /** Links our candidate to the lock; writes it again if someone deleted it by hand meanwhile. */
      const linkCandidate = async (): Promise<boolean> => {
        try {
          return await fs.link(mine, path);
        } catch (error) {
          if (fsErrorCode(error) !== "ENOENT") throw error;
          await fs.writeText(mine, text);
          return fs.link(mine, path);
        }
      };
      const started = performance.now();
      let brokeStale = false;
      /** The lock as first seen unchanged (same text and modification time), on our own clock. */
      let seen: { text: string; mtimeMs: number; at: number } | undefined;
      try {
        for (let attempt = 0; ; attempt++) {
          if (await linkCandidate()) return hold(token, text, mine, brokeStale);
          const current = await fs.readText(path);
          const info = current === undefined ? undefined : await fs.stat(path);
          if (current === undefined || info === undefined) continue; // released in between
          const now = performance.now();
          if (seen?.text !== current || seen.mtimeMs !== info.mtimeMs) seen = { text: current, mtimeMs: info.mtimeMs, at: now };
          if ((holderDead(current) || now - seen.at >= staleMs) && (await takeAway(current))) {
            const stale = parseHolder(current);
            if (stale) await fs.remove(`${path}.${stale.token}`);
            brokeStale = true;
            seen = undefined;
            continue;
          }
          if (now - started > timeoutMs) {
            const holder = parseHolder(current);
            const who = holder ? `process ${holder.pid} on ${holder.host || "an unknown host"}` : "another process";
            throw new BackendError("BACKEND_UNAVAILABLE", `The store's lock ${path} has been held by ${who} for over ${timeoutMs} ms`);
          }
          await sleep(Math.random() * Math.min(2 ** attempt, 25));
        }
      } catch (error) {
        await fs.remove(mine).catch(() => {});
        throw error;
      }
    },
  };

  function hold(token: string, text: string, mine: string, brokeStale: boolean): LockHold {
    let lost = false;
    let released = false;
    const beat = setInterval(() => {
      fs.touch(mine).then((exists) => void (lost ||= !exists), () => {});
    }, heartbeatMs);
    return {
      brokeStale,
      async owns() {
        if (!lost && parseHolder(await fs.readText(path))?.token !== token) lost = true;
        return !lost;
      },
      async release() {
        if (released) return;
        released = true;
        clearInterval(beat);
        try {
          if (!lost) await takeAway(text);
        } finally {
          await fs.remove(mine);
        }
      },
    };
  }
}

function parseHolder(text: string | undefined): Holder | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Partial<Holder>;
    if (typeof o.token === "string" && /^[0-9a-f]{32}$/.test(o.token) && typeof o.pid === "number" && typeof o.host === "string") {
      return o as Holder;
    }
  } catch {
    // not a lock of this version (or not a lock): staleness by its heartbeat only
  }
  return undefined;
}

function randomToken(): string {
  let out = "";
  for (const b of crypto.getRandomValues(new Uint8Array(16))) out += b.toString(16).padStart(2, "0");
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
