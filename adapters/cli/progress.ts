/**
 * The migrate command's progress line: a bar with count, rate and ETA on a terminal, a
 * plain line otherwise.
 *
 * @module
 */
import type { MigrationProgress } from "../../src/migrate/mod.ts";

/**
 * Formats one progress report. The count never passes the total nor the bar 100%; a terminal
 * width of 0 (or none) means 80 columns.
 *
 * @example
 * ```ts
 * formatProgress({ type: "Person", processed: 50, total: 100, rate: 10, etaSeconds: 5, written: 50, skipped: 0, repaired: 0, unresolved: 0, newer: 0, replaced: 0 }, false);
 * // "migrate: 50/100 objects (50%), 10/s, ETA 0:05, type Person"
 * ```
 */
export function formatProgress(p: MigrationProgress, bar: boolean, columns?: number): string {
  const total = Math.max(p.total, p.processed);
  const percent = total > 0 ? Math.max(0, Math.min(100, Math.floor((p.processed / total) * 100))) : 100;
  const eta = p.etaSeconds === undefined ? "--:--" : clock(p.etaSeconds);
  const text = `${p.processed}/${total} objects (${percent}%), ${Math.round(p.rate)}/s, ETA ${eta}, type ${p.type}`;
  if (!bar) return `migrate: ${text}`;
  // A terminal that reports no width (0 or unknown columns) gets the usual 80.
  const cols = columns !== undefined && Number.isFinite(columns) && columns > 0 ? Math.floor(columns) : 80;
  const barOf = (width: number) => {
    const filled = Math.round((percent / 100) * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  };
  let line = `${barOf(Math.max(10, Math.min(40, cols - text.length - 4)))} ${text}`;
  // A narrow terminal gets a shorter line (a wrapped one could not be overwritten by \r).
  if (line.length >= cols) {
    const short = `${percent}% ${p.processed}/${total}`;
    const room = cols - short.length - 4;
    line = (room >= 4 ? `${barOf(Math.min(40, room))} ${short}` : short).slice(0, Math.max(1, cols - 1));
  }
  return line.padEnd(cols - 1); // fills the line, so \r overwrites all of the last one
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h > 0 ? `${h}:${String(m).padStart(2, "0")}` : m}:${String(r).padStart(2, "0")}`;
}
