/**
 * Shared timing for the benchmarks: sides of one figure run interleaved, one call each in
 * turn, so load on a shared machine hits them alike; a figure is the median of short rounds.
 *
 * @module
 */
import process from "node:process";
import { pathToFileURL } from "node:url";

/** One operation per side; each call does one operation. */
export type Sides = Record<string, () => unknown>;

/** Milliseconds per round. */
export const ROUND_MS = Number(process.env.OBJSTORE_BENCH_ROUND_MS ?? 100);
/** Rounds per figure (the median is reported). */
export const ROUNDS = Number(process.env.OBJSTORE_BENCH_ROUNDS ?? 7);

/** Time per operation (ms) of each side in one round, calls interleaved side by side. */
async function round(sides: Sides, ms: number, batch: number): Promise<Record<string, number>> {
  const names = Object.keys(sides);
  const spent: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms || ops < 3) {
    const order = ops % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const run = sides[name]!;
      const t = performance.now();
      for (let i = 0; i < batch; i++) {
        const r = run();
        if (r instanceof Promise) await r;
      }
      spent[name]! += performance.now() - t;
    }
    ops++;
  }
  return Object.fromEntries(names.map((n) => [n, spent[n]! / (ops * batch)]));
}

/**
 * Median time per operation (ms) of each side over `rounds` rounds (after a warm-up round).
 * `batch` calls of one side run back to back per turn (for operations of a few µs).
 */
export async function measure(sides: Sides, rounds = ROUNDS, batch = 1, ms = ROUND_MS): Promise<Record<string, number>> {
  await round(sides, ms / 2, batch);
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < rounds; i++) {
    for (const [name, t] of Object.entries(await round(sides, ms, batch))) (samples[name] ??= []).push(t);
  }
  return Object.fromEntries(Object.entries(samples).map(([n, xs]) => [n, median(xs)]));
}

/** The median of `xs`. */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Whether the module of `meta` is the program being run: `import.meta.main` where the runtime
 * has it (Bun, Deno), else (Node 20) whether it is the script named on the command line.
 *
 * @example
 * ```ts
 * if (isMain(import.meta)) await run();
 * ```
 */
export function isMain(meta: ImportMeta): boolean {
  const main = (meta as { main?: boolean }).main;
  if (typeof main === "boolean") return main;
  const script = process.argv[1];
  return script !== undefined && meta.url === pathToFileURL(script).href;
}

/** The runtime's name and version. */
export function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `Bun ${g.Bun.version}`;
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.version}`;
}

/** Formats a time per operation. */
export function formatMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(ms >= 0.01 ? 1 : 2)} µs`;
}

/** Formats ops/s from a time per operation. */
export function formatOps(ms: number): string {
  return Math.round(1000 / ms).toLocaleString("en");
}

/** One figure: the same operation on objstore and on each peer (a side missing: not offered). */
export interface Comparison {
  name: string;
  run: { objstore: () => unknown } & Record<string, () => unknown>;
}

/**
 * Measures each comparison and prints a Markdown table: objstore's ops/s, then per peer its
 * ops/s and objstore's time per op over the peer's. Returns the times per op (ms) by side.
 *
 * @example
 * ```ts
 * await printComparisons(cases, [{ side: "raw", label: "raw @libsql/client" }], ROUNDS, ROUND_MS);
 * ```
 */
export async function printComparisons(
  cases: Comparison[],
  peers: { side: string; label: string }[],
  rounds = ROUNDS,
  ms = ROUND_MS,
): Promise<Record<string, Record<string, number>>> {
  const results: Record<string, Record<string, number>> = {};
  const cell = (t: number | undefined) => (t === undefined ? "n/a" : formatOps(t));
  console.log(`| operation | objstore ops/s | ${peers.map((p) => `${p.label} ops/s | objstore/${p.side} (time per op)`).join(" | ")} |`);
  console.log(`|---|---:|${peers.map(() => "---:|---:|").join("")}`);
  for (const c of cases) {
    const t = (results[c.name] = await measure(c.run, rounds, 1, ms));
    const perPeer = peers.map((p) => `${cell(t[p.side])} | ${t[p.side] === undefined ? "n/a" : `${(t.objstore! / t[p.side]!).toFixed(2)}×`}`);
    console.log(`| ${c.name} | ${cell(t.objstore)} | ${perPeer.join(" | ")} |`);
  }
  return results;
}
