/**
 * The durable outbox of the Offline store, kept in Local: one entry per transaction written
 * while Main was unreachable, holding the writes exactly as the store layer made them (net
 * effect per key, each with the condition it was based on). An entry is appended in the same
 * Local commit as its writes, so either both are there or neither is.
 *
 * @module
 */
import { CommitConflict, type Driver, type Write } from "../../driver.ts";
import type { JsonValue } from "../../types.ts";
import { replacing } from "../order.ts";
import { META, OUTBOX } from "./reserved.ts";

/** One outbox entry: a transaction to replay on Main. */
export interface OutboxEntry {
  /** The entry's key in Local: its zero-padded sequence number. */
  id: string;
  writes: Write[];
  /** When it was written (ISO-8601). */
  at: string;
}

const SEQ = "seq";

/**
 * Commits `writes` to Local (their conditions checked against Local) together with their outbox
 * entry and `extra` Local-only writes, in one atomic Local commit. The entry's sequence number
 * comes from a counter record written in the same commit, so entries of several tabs sharing
 * Local are totally ordered; losing the race for the counter retries. A conflict of one of
 * `writes` is rethrown as is (its index is the store layer's).
 *
 * @example
 * ```ts
 * await appendEntry(localDriver, writes, [], new Date().toISOString());
 * ```
 */
export async function appendEntry(local: Driver, writes: Write[], extra: Write[], at: string): Promise<void> {
  const entryWrites = writes.map(stripCopy);
  for (let attempt = 0; ; attempt++) {
    const counter = await local.get(META, SEQ);
    const next = counter ? String(Number(counter.version) + 1) : "1";
    const id = next.padStart(12, "0");
    const value = { writes: entryWrites, at } as unknown as JsonValue;
    const tail: Write[] = [
      ...extra,
      { op: "put", type: META, key: SEQ, expect: replacing(counter), record: { key: SEQ, value: null, version: next, created: counter?.created ?? at, updated: at } },
      { op: "put", type: OUTBOX, key: id, expect: { absent: true }, record: { key: id, value, version: "1", created: at, updated: at } },
    ];
    try {
      return await local.commit([...writes.map(stripCopy), ...tail]);
    } catch (e) {
      if (!(e instanceof CommitConflict) || e.index < writes.length + extra.length || attempt >= 50) throw e;
    }
  }
}

/**
 * Every outbox entry, oldest first.
 *
 * @example
 * ```ts
 * for (const entry of await outboxEntries(localDriver)) console.log(entry.id, entry.writes.length);
 * ```
 */
export async function outboxEntries(local: Driver): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  for await (const record of local.scan(OUTBOX, [])) {
    const value = record.value as unknown as { writes: Write[]; at: string };
    entries.push({ id: record.key, writes: value.writes, at: value.at });
  }
  return entries;
}

/**
 * How many entries wait in the outbox.
 *
 * @example
 * ```ts
 * const pending = await outboxSize(localDriver);
 * ```
 */
export async function outboxSize(local: Driver): Promise<number> {
  return (await local.page(OUTBOX, { terms: [], sort: [], offset: 0, limit: 0, count: true })).total;
}

/** The write as JSON the outbox can hold (a record's value is copied, as Local owns it). */
function stripCopy(write: Write): Write {
  return JSON.parse(JSON.stringify(write)) as Write;
}
