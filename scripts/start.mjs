// `npm start`: installs what is missing (scripts/bootstrap.mjs), then runs the quick-start
// example with the pinned Bun, passing the environment (APIAPP_OBJECTSTORECONFIG, ...) and
// any extra arguments through:  npm start -- --some-flag

import { spawn } from "node:child_process";
import { join } from "node:path";
import { bootstrap, ROOT } from "./bootstrap.mjs";

const ENTRY = join("examples", "quickstart.ts");

let tools;
try {
  tools = bootstrap();
} catch (error) {
  console.error(`[start] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const child = spawn(tools.bun, [ENTRY, ...process.argv.slice(2)], { cwd: ROOT, env: process.env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`[start] could not run bun: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
