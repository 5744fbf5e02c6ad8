/**
 * The migrate command's progress line: a bar with count, rate and ETA on a terminal, a
 * plain line otherwise.
 *
 * @module
 */
import type { MigrationProgress } from "../../src/migrate/mod.ts";

/**
 * Formats one progress report.
 *
 * @example
 * ```ts
 * formatProgress({ type: "Person", processed: 50, total: 100, rate: 10, etaSeconds: 5, written: 50, skipped: 0, repaired: 0, unresolved: 0 }, false, 0);
 * // "migrate: 50/100 objects (50%), 10/s, ETA 0:05, type Person"
 * ```
 */
export function formatProgress(p: MigrationProgress, bar: boolean, columns: number): string {
  const percent = p.total > 0 ? Math.min(100, Math.floor((p.processed / p.total) * 100)) : 100;
  const eta = p.etaSeconds === undefined ? "--:--" : clock(p.etaSeconds);
  const text = `${p.processed}/${p.total} objects (${percent}%), ${Math.round(p.rate)}/s, ETA ${eta}, type ${p.type}`;
  if (!bar) return `migrate: ${text}`;
  const width = Math.max(10, Math.min(40, columns - text.length - 4));
  const filled = Math.round((percent / 100) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}`.slice(0, Math.max(20, columns - 1)).padEnd(Math.max(20, columns - 1));
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h > 0 ? `${h}:${String(m).padStart(2, "0")}` : m}:${String(r).padStart(2, "0")}`;
}
