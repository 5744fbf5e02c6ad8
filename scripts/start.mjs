// `npm start`: installs what is missing (scripts/bootstrap.mjs), then serves the HTTP API
// (`objstore serve`, adapters/cli.ts) with the pinned Bun on 127.0.0.1:8787, passing the
// environment (APIAPP_OBJECTSTORECONFIG, PORT, HOST, API_TOKEN) and any extra arguments
// through:  npm start -- --port 9000. The quick-start example runs with
// `.tools/node_modules/.bin/bun examples/quickstart.ts`.

import { spawn } from "node:child_process";
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
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`[start] could not run bun: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
