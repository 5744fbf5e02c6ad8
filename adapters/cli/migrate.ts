/**
 * `objstore migrate` and `objstore verify`: the migration job and verify on the command line.
 *
 *     objstore migrate --from <config JSON or file> --to <config JSON or file>
 *                      [--rate <objects/s>] [--batch <n>] [--checkpoint <file>] [--dry-run] [--quiet]
 *     objstore verify  --from <...> --to <...> [--batch <n>] [--max-listed <n>]
 *
 * Exit codes: 0 done (verify: no difference); 1 verify found differences, or migrate left
 * objects unresolved; 2 bad arguments or config; 3 a store failed; 130 interrupted (the
 * checkpoint is saved: run the same command again to resume).
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createObjectStoreInstance, type ObjectStore, type StoreConfig } from "../node.ts";
import { driverOf } from "../../src/store.ts";
import type { Driver } from "../../src/driver.ts";
import { type CheckpointStore, migrate, type MigrationCheckpoint, type MigrationProgress, verify } from "../../src/migrate/mod.ts";
import { formatProgress } from "./progress.ts";

const USAGE = `usage:
  objstore migrate --from <config JSON or file> --to <config JSON or file> [--rate <objects/s>] [--batch <n>] [--checkpoint <file>] [--dry-run] [--quiet]
  objstore verify --from <config JSON or file> --to <config JSON or file> [--batch <n>] [--max-listed <n>]`;

const DEFAULT_CHECKPOINT = "objstore-migrate.checkpoint.json";

class UsageError extends Error {}
class HelpRequested extends Error {}

interface Args {
  from: string;
  to: string;
  rate?: number;
  batch?: number;
  checkpoint: string;
  dryRun: boolean;
  quiet: boolean;
  maxListed?: number;
}

function parseArgs(args: string[], command: "migrate" | "verify"): Args {
  const flags = new Set(command === "migrate" ? ["--dry-run", "--quiet"] : []);
  const valued = new Set(["--from", "--to", "--batch", ...(command === "migrate" ? ["--rate", "--checkpoint"] : ["--max-listed"])]);
  const seen = new Map<string, string>();
  if (args.includes("--help") || args.includes("-h")) throw new HelpRequested();
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i]!.startsWith("--") && args[i]!.includes("=") ? [args[i]!.slice(0, args[i]!.indexOf("=")), args[i]!.slice(args[i]!.indexOf("=") + 1)] : [args[i]!, undefined];
    if (flags.has(name)) seen.set(name, "true");
    else if (valued.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      seen.set(name, value);
    } else throw new UsageError(`unknown argument ${name}`);
  }
  const from = seen.get("--from"), to = seen.get("--to");
  if (!from || !to) throw new UsageError("--from and --to are required");
  const positive = (name: string) => {
    const text = seen.get(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got ${JSON.stringify(text)}`);
    return n;
  };
  const batch = positive("--batch");
  if (batch !== undefined && !Number.isInteger(batch)) throw new UsageError("--batch must be an integer");
  return {
    from, to, batch, rate: positive("--rate"), maxListed: positive("--max-listed"),
    checkpoint: seen.get("--checkpoint") ?? DEFAULT_CHECKPOINT,
    dryRun: seen.has("--dry-run"), quiet: seen.has("--quiet"),
  };
}

/** A config given inline (`{...}`) or as a file name. */
function loadConfig(text: string, name: string): StoreConfig {
  const source = text.trimStart().startsWith("{") ? text : readText(text, name);
  try {
    return JSON.parse(source) as StoreConfig;
  } catch {
    throw new UsageError(`${name}: not valid JSON`); // no cause: it may quote secrets
  }
}

function readText(path: string, name: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`${name}: cannot read the file ${path}`);
  }
}

/** A checkpoint kept in a file (written to a temporary file, then renamed over it). */
function fileCheckpoint(path: string, fingerprint: string): CheckpointStore {
  return {
    async load() {
      if (!existsSync(path)) return undefined;
      const saved = JSON.parse(readFileSync(path, "utf8")) as MigrationCheckpoint & { fingerprint?: string };
      if (saved.fingerprint !== fingerprint) {
        throw new UsageError(`${path} is the checkpoint of another migration (other --from/--to); remove it or pass --checkpoint`);
      }
      return saved;
    },
    async save(checkpoint) {
      writeFileSync(`${path}.tmp`, JSON.stringify({ ...checkpoint, fingerprint }));
      renameSync(`${path}.tmp`, path);
    },
    async clear() {
      rmSync(path, { force: true });
    },
  };
}

async function fingerprintOf(from: string, to: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([from, to])));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Opens both stores, runs `fn` on their drivers, closes them; maps failures to exit codes. */
async function withStores(args: string[], command: "migrate" | "verify", fn: (a: Args, from: Driver, to: Driver) => Promise<number>): Promise<number> {
  let stores: ObjectStore[] = [];
  try {
    const parsed = parseArgs(args, command);
    const from = createObjectStoreInstance(loadConfig(parsed.from, "--from"));
    stores.push(from);
    const to = createObjectStoreInstance(loadConfig(parsed.to, "--to"));
    stores.push(to);
    return await fn(parsed, driverOf(from)!, driverOf(to)!);
  } catch (e) {
    const error = e as { code?: string; message?: string; name?: string };
    if (e instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    if (e instanceof UsageError) {
      console.error(`objstore ${command}: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error.name === "AbortError") {
      console.error(`objstore ${command}: interrupted; the checkpoint is saved, run the same command to resume`);
      return 130;
    }
    console.error(`objstore ${command}: ${error.code ? `${error.code}: ` : ""}${error.message ?? String(e)}`);
    return error.code === "INVALID_CONFIG" ? 2 : 3;
  } finally {
    for (const store of stores) await store.close().catch(() => {});
    stores = [];
  }
}

/**
 * `objstore migrate`: copies From → To (see `migrate`), resumable through a checkpoint file.
 *
 * @example
 * ```ts
 * const code = await migrateCommand(["--from", "old.json", "--to", '{"Type":"LibSQL","url":"file:new.db"}', "--rate", "5000"]);
 * ```
 */
export function migrateCommand(args: string[]): Promise<number> {
  return withStores(args, "migrate", async (a, from, to) => {
    const controller = new AbortController();
    const stop = () => controller.abort(new DOMException("interrupted", "AbortError"));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const tty = Boolean(process.stderr.isTTY);
    let lastLine = -Infinity;
    const onProgress = (p: MigrationProgress) => {
      if (a.quiet) return;
      const t = performance.now();
      if (tty) process.stderr.write(`\r${formatProgress(p, true, process.stderr.columns ?? 80)}`);
      else if (t - lastLine >= 1000 || p.processed >= p.total) process.stderr.write(`${formatProgress(p, false, 0)}\n`), lastLine = t;
    };
    try {
      const result = await migrate({
        from, to, rate: a.rate, batchSize: a.batch, dryRun: a.dryRun, signal: controller.signal, onProgress,
        checkpoint: a.dryRun ? undefined : fileCheckpoint(a.checkpoint, await fingerprintOf(a.from, a.to)),
      });
      if (tty && !a.quiet) process.stderr.write("\n");
      const verb = a.dryRun ? "would write" : "written";
      console.log(`${a.dryRun ? "dry run: " : ""}${result.processed} objects read in ${result.types.length} types; ${verb} ${result.written}, ` +
        `already current ${result.skipped}, repaired ${result.repaired}, unresolved ${result.unresolved}` +
        `${result.resumed ? " (resumed)" : ""} in ${(result.elapsedMs / 1000).toFixed(1)} s`);
      return result.unresolved > 0 ? 1 : 0;
    } finally {
      if (tty && !a.quiet) process.stderr.write("\n");
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  });
}

/**
 * `objstore verify`: compares keys both ways and a content hash per object; exits 1 listing
 * the differences, 0 when there are none.
 *
 * @example
 * ```ts
 * const code = await verifyCommand(["--from", "old.json", "--to", "new.json"]);
 * ```
 */
export function verifyCommand(args: string[]): Promise<number> {
  return withStores(args, "verify", async (a, from, to) => {
    const result = await verify({ from, to, batchSize: a.batch, maxListed: a.maxListed });
    for (const d of result.differences) console.log(`${d.kind}\t${d.type}\t${d.key}`);
    const count = result.missing + result.extra + result.different;
    const listed = count > result.differences.length ? ` (first ${result.differences.length} listed)` : "";
    console.log(`${result.compared} objects compared: ${result.missing} missing in To, ${result.extra} only in To, ${result.different} different${listed}`);
    return count > 0 ? 1 : 0;
  });
}
