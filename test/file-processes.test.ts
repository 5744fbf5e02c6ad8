import { afterAll, describe, expect, test } from "bun:test";
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import "../src/drivers/register/all.ts";
import { createObjectStoreInstance, type JsonValue } from "../mod.ts";
import { fileSystem, removeTempDirs, runtime, spawnHelper, tempDir } from "./file/runtime.ts";

// Real processes on this runtime's binding: children run test/file/*-child.ts with the same
// runtime as the test (bun, deno run, node --import tsx).

const ROUNDS = 50;

type State = Map<string, { value: JsonValue; version: number }>;
interface Plan {
  id: number;
  truncate?: string;
  writes: { type: string; key: string; op: "save" | "remove" }[];
}

/** The state after `plan`, computed as the store's semantics say. */
function applyPlan(state: State, plan: Plan): State {
  const next: State = new Map(state);
  if (plan.truncate) for (const id of [...next.keys()]) if (id.startsWith(plan.truncate + "\n")) next.delete(id);
  for (const w of plan.writes) {
    const id = `${w.type}\n${w.key}`;
    if (w.op === "remove") next.delete(id);
    else next.set(id, { value: { id: plan.id, key: w.key }, version: (next.get(id)?.version ?? 0) + 1 });
  }
  return next;
}

/** Opens the store with a new instance (which recovers a crashed commit) and reads everything. */
async function readState(base: string): Promise<State> {
  const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
  const state: State = new Map();
  for (const type of await store.types()) {
    for await (const o of store.scan(type)) state.set(`${type}\n${o.key}`, { value: o.value, version: Number(o.version) });
  }
  await store.close();
  return state;
}

/** Every file under `dir`, as paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

function lines(child: ChildProcess): { lines: string[]; waitFor(match: (line: string) => boolean): Promise<void> } {
  const out: string[] = [];
  let partial = "";
  const waiters: { match: (line: string) => boolean; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    out.push(...parts);
    for (const w of waiters.splice(0)) (parts.some(w.match) ? w.resolve() : waiters.push(w));
  });
  return {
    lines: out,
    waitFor: (match) => (out.some(match) ? Promise.resolve() : new Promise((resolve) => waiters.push({ match, resolve }))),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const show = (state: State) => JSON.stringify([...state].sort());

describe(`SimpleFileStore across processes (${runtime})`, () => {
  afterAll(removeTempDirs);

  // Not under Node: each round starts a child, and under Node that is `node --import tsx`, about
  // 1 s of TypeScript compiling per child (50 rounds: ~50 s). The crash test runs under Bun, whose
  // bunFileSystem is nodeFileSystem's code with Bun.file reads, and under Deno on denoFileSystem.
  test.skipIf(runtime === "node")(`crash: ${ROUNDS} rounds of SIGKILL during multi-object commits; every commit is all-or-nothing`, async () => {
    const base = tempDir();
    let model: State = new Map();
    let commits = 0;
    let interrupted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawnHelper("crash-child.ts", [base, String(1000 + round)]);
      const out = lines(child);
      const exit = exited(child);
      // Kill at a random point after the first commit started (plans are printed before commits).
      await Promise.race([out.waitFor((line) => line.startsWith("{")), exit]);
      await sleep(Math.random() * 30);
      child.kill("SIGKILL");
      await exit;

      // Plans followed by `ok` or by another plan finished; a last plan without `ok` may or may not have.
      let inFlight: Plan | undefined;
      for (const line of out.lines) {
        if (line.startsWith("{")) {
          if (inFlight) throw new Error(`plan ${inFlight.id} has no ok but a plan follows it`);
          inFlight = JSON.parse(line) as Plan;
        } else if (line.startsWith("ok ")) {
          expect(Number(line.slice(3))).toBe(inFlight!.id);
          model = applyPlan(model, inFlight!);
          inFlight = undefined;
          commits++;
        }
      }
      if (existsJournal(base)) interrupted++;
      const actual = await readState(base);
      const candidates = inFlight ? [model, applyPlan(model, inFlight)] : [model];
      const match = candidates.find((c) => show(c) === show(actual));
      if (!match) {
        throw new Error(`round ${round}: the store holds neither the state before nor after commit ${inFlight?.id}:\n` +
          `actual ${show(actual)}\nbefore ${show(candidates[0]!)}\nafter  ${candidates[1] ? show(candidates[1]) : "-"}`);
      }
      model = match;
      // After an open: no journal, no temp file, and every file left is an object that parses.
      expect(readdirSync(join(base, ".objstore", "tmp"))).toEqual([]);
      for (const file of filesUnder(base).filter((f) => !f.includes(".objstore"))) {
        const o = JSON.parse(readFileSync(file, "utf8"));
        expect(typeof o.key).toBe("string");
      }
    }
    console.log(`crash test (${runtime}): ${commits} commits finished, ${interrupted} rounds left a journal to roll forward`);
    expect(commits).toBeGreaterThan(0);
  }, 600_000);

  test("readers in another process never see a multi-object commit half-applied", async () => {
    const base = tempDir();
    const child = spawnHelper("pairs-child.ts", [base]);
    const out = lines(child);
    const exit = exited(child);
    await Promise.race([out.waitFor((line) => line === "ready"), exit]);
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
    const seen = new Set<number>();
    try {
      const until = Date.now() + 20_000;
      while (seen.size < 15 && Date.now() < until) {
        const page = await store.page("Pair");
        const values = page.result.map((o) => (o.value as { n: number }).n);
        expect(values.length).toBe(5);
        expect(new Set(values).size).toBe(1); // all five from the same commit
        seen.add(values[0]!);
      }
    } finally {
      child.kill("SIGKILL");
      await exit;
      await store.close();
    }
    expect(seen.size).toBeGreaterThan(5); // commits really ran while we read
  }, 120_000);

  test("two processes × 4 concurrent update loops × 100 increments end at exactly 800", async () => {
    const base = tempDir();
    const children = [0, 1].map(() => spawnHelper("counter-child.ts", [base, "4", "100"]));
    const outputs = children.map(lines);
    const codes = await Promise.all(children.map(exited));
    expect(codes).toEqual([0, 0]);
    expect(outputs.map((o) => o.lines.filter((l) => l.startsWith("done")))).toEqual([["done 400"], ["done 400"]]);
    const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: base }, { fileSystem });
    const counter = await store.get("Counter", "hits");
    expect(counter?.value).toBe(800);
    expect(counter?.version).toBe("800");
    await store.close();
  }, 600_000);
});

function existsJournal(base: string): boolean {
  try {
    statSync(join(base, ".objstore", "journal.json"));
    return true;
  } catch {
    return false;
  }
}
