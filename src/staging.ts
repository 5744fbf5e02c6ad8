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

/** All staged writes of a transaction. */
export class Staging {
  readonly types: Map<string, TypeStage> = new Map();
  /** Keys (`type\nkey`) this transaction read from the backend. */
  readonly #read = new Set<string>();

  typeStage(type: string): TypeStage | undefined {
    return this.types.get(type);
  }

  /** The staged view of a key, or `undefined` when the backend must be asked. */
  lookup(type: string, key: string): Seen | undefined {
    const stage = this.types.get(type);
    if (!stage) return undefined;
    const keyStage = stage.keys.get(key);
    if (keyStage) return { record: keyStage.record, stage: keyStage, epoch: stage.epoch };
    if (stage.truncated) return { record: undefined, stage: undefined, epoch: stage.epoch };
    return undefined;
  }

  /** The epoch a backend read of `type` belongs to. */
  epoch(type: string): number {
    return this.types.get(type)?.epoch ?? 0;
  }

  /** True when `seen` is still the key's state (no other write of this transaction came between). */
  unchanged(type: string, key: string, seen: Seen): boolean {
    const stage = this.types.get(type);
    return (stage?.epoch ?? 0) === seen.epoch && stage?.keys.get(key) === seen.stage;
  }

  /** Stages `record` (undefined: removal) for a key whose state was `seen`. */
  stage(type: string, key: string, seen: Seen, record: DriverRecord | undefined): void {
    let stage = this.types.get(type);
    if (!stage) this.types.set(type, stage = { truncated: false, epoch: 0, keys: new Map() });
    // The first write of a key is conditional on what the backend held; later ones inherit that.
    const expect: Expect = seen.stage?.expect ??
      (stage.truncated ? { absent: true } : seen.record ? { version: seen.record.version } : { absent: true });
    stage.keys.set(key, seen.stage?.blind ? { expect, record, blind: true } : { expect, record });
  }

  /** Notes that the transaction read `key` from the backend. */
  noteRead(type: string, key: string): void {
    this.#read.add(`${type}\n${key}`);
  }

  /**
   * Whether a create of `key` can skip its read: the transaction never read or staged the key
   * and did not truncate its type, so the backend's state is what the commit's condition checks.
   */
  canCreateBlind(type: string, key: string): boolean {
    return this.lookup(type, key) === undefined && !this.#read.has(`${type}\n${key}`);
  }

  /** Stages a create of a key this transaction never read: the commit checks it is absent. */
  stageBlind(type: string, key: string, record: DriverRecord): void {
    let stage = this.types.get(type);
    if (!stage) this.types.set(type, stage = { truncated: false, epoch: 0, keys: new Map() });
    stage.keys.set(key, { expect: { absent: true }, record, blind: true });
  }

  /** Keys of `type` staged with a record by a create checked only at commit. */
  blindKeys(type: string): string[] {
    const keys = this.types.get(type)?.keys;
    return keys ? [...keys].filter(([, k]) => k.blind && k.record).map(([key]) => key) : [];
  }

  /** Whether the staged write of `key` is (based on) a create checked only at commit. */
  isBlind(type: string, key: string): boolean {
    return this.types.get(type)?.keys.get(key)?.blind === true;
  }

  truncate(type: string): void {
    const stage = this.types.get(type);
    this.types.set(type, { truncated: true, epoch: (stage?.epoch ?? 0) + 1, keys: new Map() });
  }

  /** The net writes: truncates first, then one write per key. */
  writes(): Write[] {
    const writes: Write[] = [];
    for (const [type, stage] of this.types) if (stage.truncated) writes.push({ op: "truncate", type });
    for (const [type, stage] of this.types) {
      for (const [key, { expect, record }] of stage.keys) {
        if (record) writes.push({ op: "put", type, key, expect, record });
        else if (!("absent" in expect)) writes.push({ op: "delete", type, key, expect });
      }
    }
    return writes;
  }
}
