// `npm start`: installs what is missing (scripts/bootstrap.mjs), then serves the HTTP API
// (`objstore serve`, adapters/cli.ts) with the pinned Bun on 127.0.0.1:8787, passing the
// environment (APIAPP_OBJECTSTORECONFIG, PORT, HOST, API_TOKEN) and any extra arguments
// through:  npm start -- --port 9000. The quick-start example runs with
// `.tools/node_modules/.bin/bun examples/quickstart.ts`.
//
// The server stops with its parent: npm 11 does not forward SIGTERM to its script, so with npm
// as PID 1 (`docker stop`) a SIGTERM to npm alone used to leave the server running. This script
// forwards SIGINT/SIGTERM, and also stops the server when npm (its parent, or the parent of the
// `sh -c` npm runs it in) goes away.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bootstrap, ROOT } from "./bootstrap.mjs";

const ENTRY = join("adapters", "cli.ts");

let tools;
try {
  tools = bootstrap();
} catch (error) {
  console.error(`[start] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const child = spawn(tools.bun, [ENTRY, "serve", ...process.argv.slice(2)], { cwd: ROOT, env: process.env, stdio: "inherit" });
let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  // The server shuts down cleanly on SIGTERM; one that hangs is killed.
  setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(signal));

/** The parent pid of `pid` (Linux /proc), or undefined. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

// Our ancestors now: the parent (npm, or `sh -c`) and its parent. When either is re-parented or
// gone, whoever started us has stopped: stop the server too.
const parent = process.ppid;
const grandparent = parentOf(parent);
setInterval(() => {
  if (process.ppid !== parent || (grandparent !== undefined && parentOf(parent) !== grandparent)) stop("SIGTERM");
}, 250).unref();
child.on("error", (error) => {
  console.error(`[start] could not run bun: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
