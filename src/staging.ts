/**
 * The write set of one transaction: what it staged per type and key, the condition each key
 * needs at commit, and the merged view its reads see.
 *
 * @module
 */
import type { DriverRecord, Expect, Write } from "./driver.ts";

/** The staged state of one key: its commit condition and its current record (undefined: removed). */
export interface KeyStage {
  readonly expect: Expect;
  readonly record: DriverRecord | undefined;
  /**
   * Staged by a create of a key this transaction never read: only the commit's condition
   * (the key is absent) checked it, so a conflict there is the create's `OBJECT_EXISTS`.
   */
  readonly blind?: true;
}

/** The staged state of one type. */
export interface TypeStage {
  /** Whether the type was truncated; keys below were staged after the last truncate. */
  truncated: boolean;
  /** Counts truncates, so a write can tell that one happened while it awaited. */
  epoch: number;
  keys: Map<string, KeyStage>;
}

/** What a read of one key saw, to stage a write based on it later. */
export interface Seen {
  record: DriverRecord | undefined;
  /** The stage it came from (undefined: the backend). */
  stage: KeyStage | undefined;
  epoch: number;
}

/**
 * All staged writes of a transaction, by type (functions over it below; module functions
 * rather than methods, so a bundler can shorten their names).
 */
export type Staging = Map<string, TypeStage>;

/** The stage of `type`, made when it has none. */
function typeStage(staging: Staging, type: string): TypeStage {
  let stage = staging.get(type);
  if (!stage) staging.set(type, stage = { truncated: false, epoch: 0, keys: new Map() });
  return stage;
}

/** The staged view of a key, or `undefined` when the backend must be asked. */
export function lookup(staging: Staging, type: string, key: string): Seen | undefined {
  const stage = staging.get(type);
  if (!stage) return undefined;
  const keyStage = stage.keys.get(key);
  if (keyStage) return { record: keyStage.record, stage: keyStage, epoch: stage.epoch };
  if (stage.truncated) return { record: undefined, stage: undefined, epoch: stage.epoch };
  return undefined;
}

/** The epoch a backend read of `type` belongs to. */
export function epochOf(staging: Staging, type: string): number {
  return staging.get(type)?.epoch ?? 0;
}

/** True when `seen` is still the key's state (no other write of this transaction came between). */
export function unchanged(staging: Staging, type: string, key: string, seen: Seen): boolean {
  return epochOf(staging, type) === seen.epoch && staging.get(type)?.keys.get(key) === seen.stage;
}

/** Stages `record` (undefined: removal) for a key whose state was `seen`. */
export function stage(staging: Staging, type: string, key: string, seen: Seen, record: DriverRecord | undefined): void {
  const stage = typeStage(staging, type);
  // The first write of a key is conditional on what the backend held; later ones inherit that.
  const expect: Expect = seen.stage?.expect ??
    (seen.record && !stage.truncated ? { version: seen.record.version } : { absent: true });
  stage.keys.set(key, seen.stage?.blind ? { expect, record, blind: true } : { expect, record });
}

/** Stages a create of a key this transaction never read: the commit checks it is absent. */
export function stageBlind(staging: Staging, type: string, key: string, record: DriverRecord): void {
  typeStage(staging, type).keys.set(key, { expect: { absent: true }, record, blind: true });
}

/** Keys of `type` staged with a record by a create checked only at commit. */
export function blindKeys(staging: Staging, type: string): string[] {
  const keys = staging.get(type)?.keys;
  return keys ? [...keys].filter(([, k]) => k.blind && k.record).map(([key]) => key) : [];
}

/** Whether the staged write of `key` is (based on) a create checked only at commit. */
export function isBlind(staging: Staging, type: string, key: string): boolean {
  return staging.get(type)?.keys.get(key)?.blind === true;
}

/** Stages a truncate of `type`: what was staged for it is dropped. */
export function truncate(staging: Staging, type: string): void {
  staging.set(type, { truncated: true, epoch: epochOf(staging, type) + 1, keys: new Map() });
}

/** The net writes: truncates first, then one write per key. */
export function writesOf(staging: Staging): Write[] {
  const writes: Write[] = [];
  for (const [type, stage] of staging) if (stage.truncated) writes.push({ op: "truncate", type });
  for (const [type, stage] of staging) {
    for (const [key, { expect, record }] of stage.keys) {
      if (record) writes.push({ op: "put", type, key, expect, record });
      else if (!("absent" in expect)) writes.push({ op: "delete", type, key, expect });
    }
  }
  return writes;
}
