/**
 * What the SimpleFileStore tests share: this runtime's FileSystem binding (Deno's under Deno,
 * Bun's under Bun, Node's under Node), temp folders, and how to start a child process of the
 * same runtime running a helper script.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createNodeFileSystem } from "../../adapters/fs/node.ts";
import "../../src/drivers/register/all.ts";
import type { FileSystem } from "../../mod.ts";

declare const Deno: unknown;
declare const Bun: unknown;

/** The runtime the tests run on. */
export const runtime: "deno" | "bun" | "node" = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";

/** This runtime's binding, as its entry point injects it. */
export const fileSystem: FileSystem = runtime === "deno"
  ? (await import("../../adapters/fs/deno.ts")).denoFileSystem
  : runtime === "bun"
  ? (await import("../../adapters/fs/bun.ts")).bunFileSystem
  : createNodeFileSystem();

/** The binding's name, for test titles. */
export const bindingName = `${runtime}FileSystem`;

const made: string[] = [];

/** A fresh empty temp folder (no trailing separator), removed by {@link removeTempDirs}. */
export function tempDir(label = "objstore-file-"): string {
  const dir = mkdtempSync(join(tmpdir(), label));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The command line that runs `script` (under test/file/) with `args` on this runtime. */
export function helperCommand(script: string, args: string[]): [command: string, argv: string[]] {
  const path = join(ROOT, "test", "file", script);
  const argv = runtime === "deno"
    ? ["run", "-A", "--no-check", `--config=${join(ROOT, "deno.json")}`, path, ...args]
    : runtime === "bun"
    ? [path, ...args]
    : ["--import", "tsx", path, ...args];
  return [process.execPath, argv];
}

/** Starts `script` (under test/file/) with `args` on this runtime; stdout is piped. */
export function spawnHelper(script: string, args: string[]): ChildProcess {
  const [command, argv] = helperCommand(script, args);
  return spawn(command, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
}

/** The repository's root folder. */
export const ROOT_DIR: string = ROOT;
