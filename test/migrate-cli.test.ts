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
import { migrationIdentity } from "../src/migrate/mod.ts";
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
    expect(dirty.out.split("\n").slice(0, 3)).toEqual(["missing\tEven\tk000002", "extra\tExtra\tx", "newer\tOdd\tk000001"]);
  });

  test("an object newer in To: migrate and verify both exit 1 listing it the same way; migrate --prefer-from settles it", async () => {
    const s = await stores(20);
    expect((await run(migrateCommand, ["--from", s.from, "--to", s.to, "--quiet", "--checkpoint", s.checkpoint])).code).toBe(0);
    const to = createObjectStoreInstance(JSON.parse(s.to));
    await to.save("Odd", "k000003", { edited: "in To" }, 1);
    await to.close();
    const line = "newer\tOdd\tk000003";
    const hint = "objstore migrate --prefer-from";
    const migrated = await run(migrateCommand, ["--from", s.from, "--to", s.to, "--quiet", "--checkpoint", s.checkpoint]);
    expect(migrated.code).toBe(1);
    expect(migrated.out.split("\n")).toContain(line);
    expect(migrated.out).toContain("newer in To 1");
    expect(migrated.out).toContain(hint);
    const verified = await run(verifyCommand, ["--from", s.from, "--to", s.to]);
    expect(verified.code).toBe(1);
    expect(verified.out.split("\n")).toContain(line);
    expect(verified.out).toContain("1 newer in To");
    expect(verified.out).toContain(hint);
    const help = await run(migrateCommand, ["--help"]);
    expect(help.out).toContain("--prefer-from");

    const preferred = await run(migrateCommand, ["--from", s.from, "--to", s.to, "--quiet", "--prefer-from", "--checkpoint", s.checkpoint]);
    expect(preferred.code).toBe(0);
    expect(preferred.out).toContain("replaced 1 newer in To");
    expect(preferred.out).not.toContain(line);
    expect((await run(verifyCommand, ["--from", s.from, "--to", s.to])).code).toBe(0);
  });

  test("a config file edited between runs: the resume is refused, naming both stores; the same stores resume", async () => {
    const s = await stores(40);
    const fromFile = join(s.dir, "from.json"), toFile = join(s.dir, "to.json");
    writeFileSync(fromFile, s.from);
    writeFileSync(toFile, s.to);
    // What an interrupted first run leaves behind (Even done, Odd half way).
    const identity = await migrationIdentity(JSON.parse(s.from), JSON.parse(s.to));
    writeFileSync(s.checkpoint, JSON.stringify({ done: ["Even"], type: "Odd", after: "k000019", processed: 30, identity }));
    const elsewhere = JSON.stringify({ Type: "SimpleFileStore", BaseLocation: tempDir("objstore-cli-other-") });
    writeFileSync(toFile, elsewhere); // the user points To at another store
    const refused = await run(migrateCommand, ["--from", fromFile, "--to", toFile, "--quiet", "--checkpoint", s.checkpoint]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("belongs to another migration");
    expect(refused.err).toContain(JSON.parse(s.to).BaseLocation);
    expect(refused.err).toContain(JSON.parse(elsewhere).BaseLocation);
    expect(refused.err).toContain("--checkpoint");
    expect(existsSync(s.checkpoint)).toBe(true);
    const untouched = createObjectStoreInstance(JSON.parse(elsewhere));
    expect(await untouched.types()).toEqual([]); // nothing was written to the other store
    await untouched.close();

    // The same stores (key order and defaults aside) resume.
    writeFileSync(toFile, JSON.stringify({ BaseLocation: JSON.parse(s.to).BaseLocation, Type: "SimpleFileStore" }));
    const resumed = await run(migrateCommand, ["--from", fromFile, "--to", toFile, "--quiet", "--checkpoint", s.checkpoint]);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("(resumed)");
  });

  test("the checkpoint file names From and To, and holds no secret", async () => {
    const s = await stores(60);
    const from = JSON.stringify({ ...JSON.parse(s.from), authToken: "libsql-secret-token" });
    const running = run(migrateCommand, ["--from", from, "--to", s.to, "--quiet", "--checkpoint", s.checkpoint, "--batch", "10", "--rate", "200"]);
    let written = "";
    let finished = false;
    void running.finally(() => (finished = true));
    while (!finished && !written) {
      await new Promise((r) => setTimeout(r, 5));
      if (existsSync(s.checkpoint)) written = readFileSync(s.checkpoint, "utf8");
    }
    expect((await running).code).toBe(0);
    expect(written).not.toBe("");
    const saved = JSON.parse(written);
    expect(saved.identity.from).toContain('"authToken":"***"');
    expect(saved.identity.to).toContain(JSON.parse(s.to).BaseLocation);
    expect(written).not.toContain("libsql-secret-token");
  });

  test("progress: a bar with count, rate and ETA on a terminal, a plain line otherwise", () => {
    const p = { type: "Person", processed: 2500, total: 10_000, rate: 1234.4, etaSeconds: 6.1, written: 2500, skipped: 0, repaired: 0, unresolved: 0, newer: 0, replaced: 0 };
    const bar = formatProgress(p, true, 100);
    expect(bar.startsWith("[")).toBe(true);
    expect(bar).toContain("2500/10000 objects (25%), 1234/s, ETA 0:07, type Person");
    expect(bar.length).toBe(99); // padded to the terminal width, so \r overwrites the last line
    expect(bar.match(/#/g)?.length).toBe(Math.round(0.25 * (bar.indexOf("]") - 1)));
    expect(formatProgress({ ...p, etaSeconds: 3725 }, false, 0)).toBe("migrate: 2500/10000 objects (25%), 1234/s, ETA 1:02:05, type Person");
    expect(formatProgress({ ...p, etaSeconds: undefined }, false, 0)).toContain("ETA --:--");
  });

  test("progress never passes 100%; a terminal of 0 (or unknown) columns still gets a readable bar", () => {
    const p = { type: "Person", processed: 2600, total: 2500, rate: 100, etaSeconds: 0, written: 2600, skipped: 0, repaired: 0, unresolved: 0, newer: 0, replaced: 0 };
    expect(formatProgress(p, false)).toBe("migrate: 2600/2600 objects (100%), 100/s, ETA 0:00, type Person");
    for (const columns of [0, undefined, Number.NaN]) {
      const bar = formatProgress({ ...p, processed: 1250 }, true, columns);
      expect(bar).toMatch(/^\[#+\.+\] 1250\/2500 objects \(50%\), 100\/s, ETA 0:00, type Person/);
      expect(bar.length).toBe(79);
    }
    const full = formatProgress(p, true, 0);
    expect(full).toContain("(100%)");
    expect(full).not.toContain(".]");
    // A narrow terminal gets a line that fits (so \r can overwrite it), still with the percentage.
    for (const columns of [20, 30, 50]) {
      const line = formatProgress({ ...p, processed: 1250 }, true, columns);
      expect(line.length).toBe(columns - 1);
      expect(line).toContain("50%");
    }
  });

  test("a checkpoint of another migration is refused", async () => {
    const s = await stores(10);
    writeFileSync(s.checkpoint, JSON.stringify({ done: [], processed: 0, fingerprint: "other" }));
    const r = await run(migrateCommand, ["--from", s.from, "--to", s.to, "--checkpoint", s.checkpoint]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("belongs to another migration");
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
