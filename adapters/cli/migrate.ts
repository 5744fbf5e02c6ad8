/**
 * `objstore migrate` and `objstore verify`: the migration job and verify on the command line.
 *
 *     objstore migrate --from <config JSON or file> --to <config JSON or file>
 *                      [--rate <objects/s>] [--batch <n>] [--checkpoint <file>] [--prefer-from]
 *                      [--dry-run] [--quiet]
 *     objstore verify  --from <...> --to <...> [--batch <n>] [--max-listed <n>]
 *
 * Exit codes: 0 done (verify: no difference); 1 verify found differences, or migrate left
 * objects newer in To or unresolved; 2 bad arguments or config, or a checkpoint of other
 * stores; 3 a store failed; 130 interrupted (the checkpoint is saved: run the same command
 * again to resume).
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createObjectStoreInstance, type ObjectStore, type StoreConfig } from "../node.ts";
import { driverOf } from "../../src/store.ts";
import type { Driver } from "../../src/driver.ts";
import { type CheckpointStore, migrate, type MigrationCheckpoint, migrationIdentity, type MigrationProgress, type MigrationResult, type ObjectRef, verify } from "../../src/migrate/mod.ts";
import { formatProgress } from "./progress.ts";

const USAGE = `usage:
  objstore migrate --from <config JSON or file> --to <config JSON or file> [--rate <objects/s>] [--batch <n>] [--checkpoint <file>] [--prefer-from] [--dry-run] [--quiet]
  objstore verify --from <config JSON or file> --to <config JSON or file> [--batch <n>] [--max-listed <n>]

  --from, --to     store configs, as JSON text or the name of a JSON file
  --rate           most objects per second (default: no limit)
  --batch          objects per round trip (default 500)
  --checkpoint     progress file, to resume an interrupted run (default ${"objstore-migrate.checkpoint.json"});
                   it records which From and To it belongs to, and a run with other stores refuses it
  --prefer-from    replace objects that To holds in a newer version than From with From's; without
                   it they are kept and listed as "newer", and migrate exits 1 (as verify does)
  --dry-run        count what would change, write nothing
  --quiet          no progress output
  --max-listed     most differences listed by verify (default 1000; all are counted)

exit codes: 0 done, no difference; 1 differences (verify) or objects newer in To or unresolved
(migrate), each listed as "<kind>\t<type>\t<key>"; 2 bad arguments, config or checkpoint;
3 a store failed; 130 interrupted (run the same command again to resume)`;

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
  preferFrom: boolean;
  maxListed?: number;
}

function parseArgs(args: string[], command: "migrate" | "verify"): Args {
  const flags = new Set(command === "migrate" ? ["--dry-run", "--quiet", "--prefer-from"] : []);
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
    dryRun: seen.has("--dry-run"), quiet: seen.has("--quiet"), preferFrom: seen.has("--prefer-from"),
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

/**
 * A checkpoint kept in a file (written to a temporary file, then renamed over it). Which
 * stores it belongs to is checked by the job (the identity it records).
 */
function fileCheckpoint(path: string): CheckpointStore {
  return {
    async load() {
      if (!existsSync(path)) return undefined;
      try {
        return JSON.parse(readFileSync(path, "utf8")) as MigrationCheckpoint;
      } catch {
        throw new CheckpointError(`${path} is not a checkpoint file (not valid JSON)`);
      }
    },
    async save(checkpoint) {
      writeFileSync(`${path}.tmp`, JSON.stringify(checkpoint));
      renameSync(`${path}.tmp`, path);
    },
    async clear() {
      rmSync(path, { force: true });
    },
  };
}

class CheckpointError extends Error {}

/**
 * The config with relative file paths made absolute, so a checkpoint names the same stores
 * whatever directory a later run starts in (used for the checkpoint's identity only).
 */
function withAbsolutePaths(config: StoreConfig): StoreConfig {
  const c = { ...config } as Record<string, unknown>;
  if (c.Type === "SimpleFileStore" && typeof c.BaseLocation === "string") c.BaseLocation = resolve(c.BaseLocation);
  for (const name of ["url", "connectionString"]) {
    const url = c[name];
    if (typeof url === "string" && /^file:(?!\/\/)/.test(url)) {
      const [path, query] = url.slice("file:".length).split(/(?=\?)/, 2);
      c[name] = `file:${resolve(path!)}${query ?? ""}`;
    }
  }
  for (const name of ["From", "To", "Main", "Caching"]) {
    if (c[name] && typeof c[name] === "object") c[name] = withAbsolutePaths(c[name] as StoreConfig);
  }
  return c as unknown as StoreConfig;
}

/** Opens both stores, runs `fn` on their drivers, closes them; maps failures to exit codes. */
async function withStores(args: string[], command: "migrate" | "verify", fn: (a: Args, from: Driver, to: Driver, configs: [StoreConfig, StoreConfig]) => Promise<number>): Promise<number> {
  let stores: ObjectStore[] = [];
  try {
    const parsed = parseArgs(args, command);
    const fromConfig = loadConfig(parsed.from, "--from"), toConfig = loadConfig(parsed.to, "--to");
    const from = createObjectStoreInstance(fromConfig);
    stores.push(from);
    const to = createObjectStoreInstance(toConfig);
    stores.push(to);
    return await fn(parsed, driverOf(from)!, driverOf(to)!, [fromConfig, toConfig]);
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
    if (e instanceof CheckpointError) {
      console.error(`objstore ${command}: ${error.message}`);
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

/** What to do about objects newer in To: the same words from migrate and verify. */
const NEWER_HINT = (count: number, listed = count) =>
  `${count} object${count === 1 ? " is" : "s are"} newer in To than in From${listed < count ? ` (first ${listed} listed)` : ""}: ` +
  `migrate keeps them; "objstore migrate --prefer-from" replaces them with From's`;

/** Lists objects newer in To, one line each, as verify lists its differences. */
function listNewer(objects: ObjectRef[]) {
  for (const o of objects) console.log(`newer\t${o.type}\t${o.key}`);
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
  return withStores(args, "migrate", async (a, from, to, [fromConfig, toConfig]) => {
    const controller = new AbortController();
    const stop = () => controller.abort(new DOMException("interrupted", "AbortError"));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const tty = Boolean(process.stderr.isTTY);
    let lastLine = -Infinity;
    const onProgress = (p: MigrationProgress) => {
      if (a.quiet) return;
      const t = performance.now();
      if (tty) process.stderr.write(`\r${formatProgress(p, true, process.stderr.columns)}`);
      else if (t - lastLine >= 1000 || p.processed >= p.total) process.stderr.write(`${formatProgress(p, false, 0)}\n`), lastLine = t;
    };
    try {
      const identity = await migrationIdentity(withAbsolutePaths(fromConfig), withAbsolutePaths(toConfig));
      let result: MigrationResult;
      try {
        result = await migrate({
          from, to, rate: a.rate, batchSize: a.batch, dryRun: a.dryRun, signal: controller.signal, onProgress,
          preferFrom: a.preferFrom, identity, checkpoint: a.dryRun ? undefined : fileCheckpoint(a.checkpoint),
        });
      } catch (e) {
        if ((e as { code?: string }).code !== "INVALID_ARGUMENT" || !/checkpoint/.test(String((e as Error).message))) throw e;
        throw new CheckpointError(`${a.checkpoint}: ${(e as Error).message}. ` +
          `Remove the file to start this migration from the beginning (it never overwrites newer objects, so that is safe), or pass --checkpoint <another file>`);
      }
      if (tty && !a.quiet) process.stderr.write("\n");
      listNewer(result.newerInTo);
      const verb = a.dryRun ? "would write" : "written";
      const replaced = a.preferFrom ? `, ${a.dryRun ? "would replace" : "replaced"} ${result.replaced} newer in To` : "";
      console.log(`${a.dryRun ? "dry run: " : ""}${result.processed} objects read in ${result.types.length} types; ${verb} ${result.written}, ` +
        `already current ${result.skipped}, repaired ${result.repaired}${replaced}, newer in To ${result.newer}, unresolved ${result.unresolved}` +
        `${result.resumed ? " (resumed)" : ""} in ${(result.elapsedMs / 1000).toFixed(1)} s`);
      if (result.newer > 0) console.log(NEWER_HINT(result.newer, result.newerInTo.length));
      return result.unresolved > 0 || result.newer > 0 ? 1 : 0;
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
    const count = result.missing + result.extra + result.different + result.newer;
    const listed = count > result.differences.length ? ` (first ${result.differences.length} listed)` : "";
    console.log(`${result.compared} objects compared: ${result.missing} missing in To, ${result.extra} only in To, ${result.different} different, ` +
      `${result.newer} newer in To${listed}`);
    if (result.newer > 0) console.log(NEWER_HINT(result.newer));
    return count > 0 ? 1 : 0;
  });
}
