/**
 * AWS's DynamoDB Local for tests: the jar comes from the npm package
 * `amplify-dynamodb-simulator` (folder `emulator/`), fetched once with `npm pack` into the
 * git-ignored `.cache/dynamodb-local/` (unpacked in a private temp folder, then renamed into
 * place, so processes fetching at once never see half a jar). Each test file starts its own
 * in-memory instance with Java on 127.0.0.1 and a free port, and stops it afterwards.
 *
 * Without Java the tests say so loudly and skip; under `CI=true` they fail instead.
 *
 * @example
 * ```ts
 * const local = useDynamoDBLocal();
 * if (local.ready) test("works", async () => { await fetch(local.endpoint()); });
 * ```
 * @module
 */
import { afterAll, beforeAll, test } from "bun:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { freePort } from "./net.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = join(ROOT, ".cache");
const JAR_DIR = join(CACHE, "dynamodb-local");
/** Pinned so every run uses the same emulator (DynamoDB Local 1.25.x inside). */
const PACKAGE = "amplify-dynamodb-simulator@2.9.30";

/** Whether a `java` binary runs here. */
export const javaAvailable: boolean = (() => {
  try {
    return spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
})();

/** Makes sure the jar is in `.cache/dynamodb-local/` and returns that folder. */
export function ensureDynamoDBLocalJar(): string {
  const jar = join(JAR_DIR, "DynamoDBLocal.jar");
  if (existsSync(jar)) return JAR_DIR;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, "dynamodb-local.tmp-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const pack = spawnSync(npm, ["pack", PACKAGE, "--silent", "--pack-destination", tmp], { cwd: tmp, encoding: "utf8" });
    if (pack.status !== 0) throw new Error(`npm pack ${PACKAGE} failed: ${pack.stderr || pack.error}`);
    const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
    const untar = spawnSync("tar", ["-xzf", join(tmp, tgz), "-C", tmp, "package/emulator"], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`unpacking ${tgz} failed: ${untar.stderr || untar.error}`);
    try {
      renameSync(join(tmp, "package", "emulator"), JAR_DIR);
    } catch (e) {
      // Another process renamed its copy into place first: use that one.
      if (!existsSync(jar)) throw e;
    }
    return JAR_DIR;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A running DynamoDB Local. */
export interface DynamoDBLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local (in memory) and resolves once it answers. */
export async function startDynamoDBLocal(): Promise<DynamoDBLocal> {
  const dir = ensureDynamoDBLocalJar();
  const port = await freePort();
  const child: ChildProcess = spawn("java", [
    `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(dir, "DynamoDBLocal.jar"),
    "-inMemory",
    "-disableTelemetry",
    "-port",
    String(port),
  ], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const kill = () => {
    if (!exited) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited before answering: ${stderr.slice(0, 2000)}`);
    try {
      // Any HTTP answer (400 for an empty POST) means it is up.
      await (await fetch(endpoint, { method: "POST" })).arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        kill();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s: ${stderr.slice(0, 2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    endpoint,
    async stop() {
      process.removeListener("exit", kill);
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(kill, 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** What {@link useDynamoDBLocal} gives a test file. */
export interface DynamoDBLocalHandle {
  /** False when Java is missing (a skip or, under CI, a failing test has been registered). */
  ready: boolean;
  /** The endpoint of this file's instance (valid inside tests). */
  endpoint(): string;
}

/**
 * Starts one DynamoDB Local for the whole test file (beforeAll) and stops it after (afterAll).
 * Call at the top level of a test file; register the file's tests only when `ready`.
 */
export function useDynamoDBLocal(): DynamoDBLocalHandle {
  if (!javaAvailable) {
    const message = "DynamoDB tests need Java (a JRE 17+ on PATH) to run AWS's DynamoDB Local";
    if (process.env.CI === "true") {
      test("DynamoDB Local can start", () => {
        throw new Error(`${message}; CI=true, so this fails instead of skipping`);
      });
    } else {
      console.warn(`\n!!!!! SKIPPING: ${message}. Install Java to run them. !!!!!\n`);
      test.skip(`DynamoDB tests (skipped: ${message})`, () => {});
    }
    return { ready: false, endpoint: () => "" };
  }
  let local: DynamoDBLocal | undefined;
  beforeAll(async () => {
    local = await startDynamoDBLocal();
  }, 120_000);
  afterAll(async () => {
    await local?.stop();
  });
  return {
    ready: true,
    endpoint() {
      if (!local) throw new Error("DynamoDB Local is not running (did beforeAll fail?)");
      return local.endpoint;
    },
  };
}
