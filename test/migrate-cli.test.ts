// `objstore migrate` / `objstore verify`: exit codes, output, checkpoint files, and a child
// process killed mid-run and resumed. From is a libSQL file, To a SimpleFileStore folder.
import { afterAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { migrateCommand, verifyCommand } from "../adapters/cli/migrate.ts";
import { formatProgress } from "../adapters/cli/progress.ts";
import { createObjectStoreInstance } from "../adapters/node.ts";
import { removeTempDirs, runtime, tempDir } from "./file/runtime.ts";

afterAll(removeTempDirs);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Runs a command in-process, capturing what it prints. */
async function run(command: (args: string[]) => Promise<number>, args: string[]) {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error, write = process.stderr.write;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await command(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

/** A libSQL file holding `count` objects in two types, and an empty SimpleFileStore folder. */
async function stores(count: number) {
  const dir = tempDir("objstore-cli-");
  const from = JSON.stringify({ Type: "LibSQL", url: `file:${join(dir, "from.db")}` });
  const to = JSON.stringify({ Type: "SimpleFileStore", BaseLocation: tempDir("objstore-cli-to-") });
  const store = createObjectStoreInstance(JSON.parse(from));
  for (let start = 0; start < count; start += 500) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + 500); i++) await tx.save(i % 2 ? "Odd" : "Even", `k${String(i).padStart(6, "0")}`, { i });
    });
  }
  await store.close();
  return { dir, from, to, checkpoint: join(dir, "checkpoint.json") };
}

describe("objstore migrate / verify", () => {
  test("bad arguments and configs exit 2 with the usage or the problem", async () => {
    for (const args of [[], ["--from", "{}"], ["--from", '{"Type":"Memory"}', "--to", '{"Type":"Memory"}', "--bogus"], ["--from", '{"Type":"Memory"}', "--to", '{"Type":"Memory"}', "--rate", "fast"]]) {
      const r = await run(migrateCommand, args);
      expect(r.code).toBe(2);
      expect(r.err).toContain("usage:");
    }
    const badConfig = await run(migrateCommand, ["--from", '{"Type":"Nope"}', "--to", '{"Type":"Memory"}']);
    expect(badConfig).toMatchObject({ code: 2 });
    expect(badConfig.err).toContain("INVALID_CONFIG");
    const help = await run(verifyCommand, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("objstore verify --from");
    const missingFile = await run(verifyCommand, ["--from", "/nonexistent/config.json", "--to", '{"Type":"Memory"}']);
    expect(missingFile.code).toBe(2);
    expect(missingFile.err).toContain("cannot read");
  });

  test("migrate copies, verify exits 0; after a change in To verify exits 1 listing it", async () => {
    const s = await stores(300);
    const fromFile = join(s.dir, "from.json");
    writeFileSync(fromFile, s.from); // a config file works as well as inline JSON
    const dry = await run(migrateCommand, ["--from", fromFile, "--to", s.to, "--dry-run", "--quiet"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("would write 300");
    expect((await run(verifyCommand, ["--from", fromFile, "--to", s.to])).code).toBe(1);

    const migrated = await run(migrateCommand, ["--from", fromFile, "--to", s.to, "--checkpoint", s.checkpoint, "--batch", "64"]);
    expect(migrated.code).toBe(0);
    expect(migrated.out).toContain("300 objects read in 2 types; written 300");
    expect(migrated.err).toContain("migrate: 300/300 objects (100%)"); // plain progress lines off a terminal
    expect(existsSync(s.checkpoint)).toBe(false); // removed when done
    const clean = await run(verifyCommand, ["--from", fromFile, "--to", s.to]);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.out).toContain("300 objects compared: 0 missing in To, 0 only in To, 0 different");

    const to = createObjectStoreInstance(JSON.parse(s.to));
    await to.save("Odd", "k000001", { changed: true }, 1);
    await to.remove("Even", "k000002");
    await to.save("Extra", "x", 1);
    await to.close();
    const dirty = await run(verifyCommand, ["--from", fromFile, "--to", s.to]);
    expect(dirty.code).toBe(1);
    expect(dirty.out.split("\n").slice(0, 3)).toEqual(["missing\tEven\tk000002", "extra\tExtra\tx", "different\tOdd\tk000001"]);
  });

  test("progress: a bar with count, rate and ETA on a terminal, a plain line otherwise", () => {
    const p = { type: "Person", processed: 2500, total: 10_000, rate: 1234.4, etaSeconds: 6.1, written: 2500, skipped: 0, repaired: 0, unresolved: 0 };
    const bar = formatProgress(p, true, 100);
    expect(bar.startsWith("[")).toBe(true);
    expect(bar).toContain("2500/10000 objects (25%), 1234/s, ETA 0:07, type Person");
    expect(bar.length).toBe(99); // padded to the terminal width, so \r overwrites the last line
    expect(bar.match(/#/g)?.length).toBe(Math.round(0.25 * (bar.indexOf("]") - 1)));
    expect(formatProgress({ ...p, etaSeconds: 3725 }, false, 0)).toBe("migrate: 2500/10000 objects (25%), 1234/s, ETA 1:02:05, type Person");
    expect(formatProgress({ ...p, etaSeconds: undefined }, false, 0)).toContain("ETA --:--");
  });

  test("a checkpoint of another migration is refused", async () => {
    const s = await stores(10);
    writeFileSync(s.checkpoint, JSON.stringify({ done: [], processed: 0, fingerprint: "other" }));
    const r = await run(migrateCommand, ["--from", s.from, "--to", s.to, "--checkpoint", s.checkpoint]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("checkpoint of another migration");
  });

  test("a migrate process killed mid-run resumes from its checkpoint file", async () => {
    const s = await stores(2000);
    const argv = runtime === "deno"
      ? ["run", "-A", "--no-check", `--config=${join(ROOT, "deno.json")}`, "adapters/cli.ts"]
      : runtime === "bun" ? ["adapters/cli.ts"] : ["--import", "tsx", "adapters/cli.ts"];
    const child = spawn(process.execPath, [...argv, "migrate", "--from", s.from, "--to", s.to, "--checkpoint", s.checkpoint, "--batch", "50", "--rate", "400"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Kill it once it has saved a checkpoint a few batches in.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(s.checkpoint) && JSON.parse(readFileSync(s.checkpoint, "utf8")).processed >= 300) break;
    }
    child.kill("SIGKILL");
    expect(await exited).toBeNull(); // killed, not finished
    const saved = JSON.parse(readFileSync(s.checkpoint, "utf8"));
    expect(saved.processed).toBeGreaterThanOrEqual(300);
    expect(saved.processed).toBeLessThan(2000);
    expect(stderr).toContain("migrate: ");

    const resumed = await run(migrateCommand, ["--from", s.from, "--to", s.to, "--checkpoint", s.checkpoint, "--batch", "200", "--quiet"]);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("2000 objects read");
    expect(resumed.out).toContain("(resumed)");
    const verified = await run(verifyCommand, ["--from", s.from, "--to", s.to]);
    expect(verified.code).toBe(0);
  }, 60_000);
});
