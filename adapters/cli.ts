#!/usr/bin/env bun
/**
 * The `objstore` command line: `serve` (the HTTP API, the project's main job), `migrate` and
 * `verify`. Runs on Bun, Deno (`deno run -A adapters/cli.ts`) and Node (`node --import tsx`).
 *
 *     objstore serve [--port <n>] [--host <h>] [--cors <origins>] [--quiet]
 *
 * Exit codes: 0 success (serve: stopped by SIGINT/SIGTERM); 1 failure (e.g. port in use);
 * 2 bad arguments or config. migrate/verify document their own.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import type { ObjectStore } from "../mod.ts";
import { ObjectStoreError } from "../mod.ts";
import { describeConfig, type RunningServer, type ServeOptions } from "./serve/common.ts";

declare const process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exit(code: number): never;
  on(signal: string, listener: () => void): void;
};

const USAGE = `usage: objstore <command> [options]

commands:
  serve     serve the HTTP API of a store (DESIGN §5)
  migrate   copy every object from one store to another (objstore migrate --help)
  verify    compare two stores (objstore verify --help)

objstore serve [--port <n>] [--host <h>] [--cors <origin,...>] [--quiet]
  --port   port to listen on (default $PORT, else 8787; 0 picks a free one)
  --host   interface to bind (default $HOST, else 127.0.0.1)
  --cors   allowed CORS origins, comma-separated, or * (default $CORS_ORIGINS, else off)
  --quiet  no per-request log lines
  The store comes from $APIAPP_OBJECTSTORECONFIG (JSON); unset means an embedded libSQL file
  data/objstore.db (Memory while the LibSQL driver is not available). $API_TOKEN turns on
  "Authorization: Bearer <token>" for /api/*. Stops cleanly on SIGINT/SIGTERM.`;

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

function parseServeArgs(args: string[]): { port?: number; host?: string; cors?: string[]; quiet: boolean } {
  const out: { port?: number; host?: string; cors?: string[]; quiet: boolean } = { quiet: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === "--quiet") out.quiet = true;
    else if (name === "--port") {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be an integer 0-65535");
      out.port = port;
    } else if (name === "--host") out.host = value();
    else if (name === "--cors") out.cors = value().split(",").map((o) => o.trim()).filter(Boolean);
    else throw new UsageError(`unknown option ${arg}`);
  }
  return out;
}

/** `objstore serve`: resolves once the server is listening; stops on SIGINT/SIGTERM. */
export async function serveCommand(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const options = parseServeArgs(args);
  const rt = await runtime();
  let configText = env.APIAPP_OBJECTSTORECONFIG;
  let store: ObjectStore;
  if (configText === undefined || configText.trim() === "") {
    try {
      mkdirSync("data", { recursive: true });
      store = rt.createObjectStoreFromEnv({ APIAPP_OBJECTSTORECONFIG: DEFAULT_CONFIG });
      configText = DEFAULT_CONFIG;
    } catch (e) {
      if (!(e instanceof ObjectStoreError && e.code === "UNSUPPORTED")) throw e;
      console.log("objstore: the LibSQL driver is not available yet; serving a Memory store");
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

if (import.meta.main ?? (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/")))) {
  const code = await main(process.argv.slice(2), process.env);
  if (code !== undefined) process.exit(code);
}
