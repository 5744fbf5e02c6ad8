// `npm start` stops its server when npm itself is stopped. npm 11 does not forward SIGTERM to its
// script, so with npm as PID 1 (`docker stop`) the server used to stay up, orphaned. The test
// sends SIGTERM to the npm process only and expects every process it started to be gone.
// Runs under Node only: the behaviour is npm's and scripts/start.mjs's, not the test runtime's.
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./support/net.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const isNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const linux = existsSync("/proc/self/stat");

/** The pids of every live descendant of `pid` (from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const child of parents.get(p) ?? []) out.push(child), visit(child);
  };
  visit(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/api/types`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  test.skipIf(!isNode || !linux)("SIGTERM to npm stops the server and every process npm start began", async () => {
    const port = await freePort();
    const npm = join(dirname(process.execPath), "npm");
    const child = spawn(existsSync(npm) ? npm : "npm", ["start", "--", "--port", String(port), "--quiet"], {
      cwd: ROOT,
      env: { ...process.env, APIAPP_OBJECTSTORECONFIG: '{"Type":"Memory"}', PORT: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${port}`;
    let started: number[] = [];
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes("serving") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain(`serving a Memory store`);
      expect(await answers(url)).toBe(true);
      started = descendants(child.pid!);
      expect(started.length).toBeGreaterThan(0);

      process.kill(child.pid!, "SIGTERM");
      const stopBy = Date.now() + 10_000;
      while ((started.some(alive) || await answers(url)) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
      expect({ survivors: started.filter(alive), answers: await answers(url) }).toEqual({ survivors: [], answers: false });
    } finally {
      for (const pid of [child.pid!, ...started]) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 90_000);
});
