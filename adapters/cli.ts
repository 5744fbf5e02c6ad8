#!/usr/bin/env node
/**
 * The `objstore` command line: `serve` (the HTTP API), `migrate` and `verify`. The npm package's
 * bin (dist/bin/objstore.js) runs it on Node; `bun adapters/cli.ts` and
 * `deno run -A adapters/cli.ts` run it on Bun and Deno (`bun run start`, `deno task start`).
 *
 *     objstore serve [--port <n>] [--host <h>] [--cors <origins>] [--quiet]
 *
 * Exit codes: 0 success (serve: stopped by SIGINT/SIGTERM); 1 failure (e.g. port in use);
 * 2 bad arguments or config. migrate/verify document their own.
 *
 * @module
 */
import { mkdirSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ObjectStore } from "../mod.ts";
import { ObjectStoreError } from "../mod.ts";
import { VERSION } from "../src/version.ts";
import { describeConfig, type RunningServer, type ServeOptions } from "./serve/common.ts";

declare const process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exit(code: number): never;
  on(signal: string, listener: () => void): void;
};

const USAGE = `usage: objstore <command> [options]

Versioned JSON objects by type and key over Memory, libSQL, files, DynamoDB and more.

commands:
  serve     serve the HTTP API of a store (see docs/http.md)
  migrate   copy every object from one store to another
  verify    compare two stores object by object

objstore serve [--port <n>] [--host <h>] [--cors <origin,...>] [--quiet]
  --port <n>      port to listen on (default $PORT, else 8787; 0 picks a free one)
  --host <h>      interface to bind (default $HOST, else 127.0.0.1)
  --cors <list>   allowed CORS origins, comma-separated, or * (default $CORS_ORIGINS, else off)
  --quiet         no per-request log lines
  The store comes from $APIAPP_OBJECTSTORECONFIG (JSON). Unset, it is an embedded libSQL file
  data/objstore.db (needs the package @libsql/client; without it, a Memory store that is lost
  on exit). $API_TOKEN requires "Authorization: Bearer <token>" on /api/*; $API_TOKENS lists
  several tokens as comma-separated token[:scope][@tenant] entries (scope read, write or
  replicate; default write), a token with @tenant seeing only that tenant's types (its name
  percent-encoded: %2C for a comma). Stops cleanly on SIGINT/SIGTERM.

objstore migrate --from <config> --to <config> [options]
objstore verify  --from <config> --to <config> [options]
  <config> is a store config as JSON text or the path of a JSON file;
  objstore migrate --help and objstore verify --help list their options.

options:
  -h, --help      show this help
  -v, --version   print the version`;

/** The default store when APIAPP_OBJECTSTORECONFIG is unset: an embedded libSQL file. */
export const DEFAULT_CONFIG = '{"Type":"LibSQL","url":"file:data/objstore.db"}';

interface Runtime {
  serve(options?: ServeOptions): Promise<RunningServer>;
  createObjectStoreFromEnv(env: Record<string, string | undefined>): ObjectStore;
}

async function runtime(): Promise<Runtime> {
  if ("Bun" in globalThis) return await import("./bun.ts");
  if ("Deno" in globalThis) return await import("./deno.ts");
  return await import("./node.ts");
}

class UsageError extends Error {}

interface ServeArgs {
  port?: number;
  host?: string;
  cors?: string[];
  quiet: boolean;
}

/** `serve`'s flags (node:util parseArgs); a wrong flag or value is a UsageError (exit code 2). */
function parseServeArgs(args: string[]): ServeArgs {
  let values: { port?: string; host?: string; cors?: string; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: "string" }, host: { type: "string" }, cors: { type: "string" }, quiet: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const out: ServeArgs = { quiet: values.quiet === true };
  if (values.port !== undefined) {
    const port = /^\d+$/.test(values.port) ? Number(values.port) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be an integer 0-65535");
    out.port = port;
  }
  if (values.host !== undefined) out.host = values.host;
  if (values.cors !== undefined) out.cors = values.cors.split(",").map((o) => o.trim()).filter(Boolean);
  return out;
}

/** Whether `@libsql/client` (an optional peer dependency, for the default file store) can be loaded. */
async function hasLibsql(): Promise<boolean> {
  try {
    await import("@libsql/client");
    return true;
  } catch {
    return false;
  }
}

/** `objstore serve`: resolves once the server is listening; stops on SIGINT/SIGTERM. */
export async function serveCommand(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const options = parseServeArgs(args);
  const rt = await runtime();
  let configText = env.APIAPP_OBJECTSTORECONFIG;
  let store: ObjectStore;
  if (configText === undefined || configText.trim() === "") {
    if (await hasLibsql()) {
      mkdirSync("data", { recursive: true });
      store = rt.createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: DEFAULT_CONFIG });
      configText = DEFAULT_CONFIG;
    } else {
      console.log("objstore: @libsql/client is not installed, so this is a Memory store (lost on exit); " +
        "npm install @libsql/client for data/objstore.db, or set APIAPP_OBJECTSTORECONFIG");
      store = rt.createObjectStoreFromEnv({});
      configText = undefined;
    }
  } else store = rt.createObjectStoreFromEnv(env);
  const server = await rt.serve({
    store,
    env,
    port: options.port,
    hostname: options.host,
    cors: options.cors,
    log: options.quiet ? false : undefined,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`objstore: ${signal}, shutting down`);
    void (async () => {
      let code = 0;
      await server.close().catch(() => (code = 1));
      await store.close().catch(() => (code = 1));
      process.exit(code);
    })();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) onSignal(signal, () => stop(signal));
  console.log(`objstore: serving a ${store.kind} store (${describeConfig(configText)}) at ${server.url}` +
    `${env.API_TOKEN ? " (bearer token required)" : ""}`);
  return 0;
}

/** Listens for a signal: `Deno.addSignalListener` on Deno (its `process.on` ignores signals), else `process.on`. */
function onSignal(signal: "SIGINT" | "SIGTERM", listener: () => void): void {
  const deno = (globalThis as { Deno?: { addSignalListener(s: string, l: () => void): void } }).Deno;
  if (deno) deno.addSignalListener(signal, listener);
  else process.on(signal, listener);
}

/** Runs the command line; resolves to an exit code (serve keeps running). */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number | undefined> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "serve":
        if (args.includes("--help") || args.includes("-h")) return void console.log(USAGE), 0;
        await serveCommand(args, env);
        return undefined;
      case "migrate":
      case "verify": {
        const cli = await import("./cli/migrate.ts");
        return command === "migrate" ? cli.migrateCommand(args) : cli.verifyCommand(args);
      }
      case "--help":
      case "-h":
      case "help":
        console.log(USAGE);
        return 0;
      case "--version":
      case "-v":
        console.log(VERSION);
        return 0;
      default:
        console.error(command === undefined ? USAGE : `objstore: unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) return console.error(`objstore ${command}: ${e.message}\n\n${USAGE}`), 2;
    if (e instanceof ObjectStoreError && e.code === "INVALID_CONFIG") return console.error(`objstore: ${e.message}`), 2;
    console.error(`objstore: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/**
 * Whether this module is the program (not imported): `import.meta.main` where the runtime has it,
 * else the script's real path (npm's bin is a symlink to it) against this module's.
 */
function isMain(): boolean {
  if (typeof import.meta.main === "boolean") return import.meta.main;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await main(process.argv.slice(2), process.env);
  if (code !== undefined) process.exit(code);
}
