/**
 * Open conflicts of the Offline store, kept in Local under a reserved type, one record per
 * (type, key): the local write (latest, when several offline writes of one key were refused)
 * and Main's object when it was found.
 *
 * @module
 */
import type { Driver, DriverRecord, Write } from "../../driver.ts";
import type { JsonValue, StoredObject } from "../../types.ts";
import { nextVersion } from "../../validate.ts";
import { replacing } from "../order.ts";
import { CONFLICTS } from "./reserved.ts";
import type { OfflineConflict } from "./types.ts";

/** A conflict as Local holds it. */
export interface StoredConflict {
  id: string;
  type: string;
  key: string;
  local: DriverRecord | null;
  remote: DriverRecord | null;
}

/**
 * Every open conflict, oldest first, by `type` + NUL + `key`.
 *
 * @example
 * ```ts
 * const open = await openConflicts(localDriver);
 * open.has(`Note\u0000n1`);
 * ```
 */
export async function openConflicts(local: Driver): Promise<Map<string, StoredConflict>> {
  const open = new Map<string, StoredConflict>();
  for await (const record of local.scan(CONFLICTS, [])) {
    const c = record.value as unknown as StoredConflict;
    open.set(conflictKey(c.type, c.key), c);
  }
  return open;
}

/**
 * The Local write that stores (or replaces) a conflict.
 *
 * @example
 * ```ts
 * await localDriver.commit([putConflict(conflict, new Date().toISOString())]);
 * ```
 */
export function putConflict(conflict: StoredConflict, at: string): Write {
  const value = JSON.parse(JSON.stringify(conflict)) as JsonValue;
  return { op: "put", type: CONFLICTS, key: conflict.id, expect: { any: true }, record: { key: conflict.id, value, version: "1", created: at, updated: at } };
}

/**
 * The Local write that removes a conflict.
 *
 * @example
 * ```ts
 * await localDriver.commit([dropConflict("000000000001.0")]);
 * ```
 */
export function dropConflict(id: string): Write {
  return { op: "delete", type: CONFLICTS, key: id, expect: { present: true } };
}

/**
 * The public form of a stored conflict.
 *
 * @example
 * ```ts
 * const shown = [...(await openConflicts(localDriver)).values()].map(toPublic);
 * ```
 */
export function toPublic(c: StoredConflict): OfflineConflict {
  const conflict: OfflineConflict = { id: c.id, type: c.type, key: c.key };
  if (c.local) conflict.local = toObject(c.type, c.local);
  if (c.remote) conflict.remote = toObject(c.type, c.remote);
  return conflict;
}

/** The map key of a (type, key). */
export function conflictKey(type: string, key: string): string {
  return `${type}\u0000${key}`;
}

function toObject(type: string, r: DriverRecord): StoredObject {
  return { type, key: r.key, value: r.value, version: r.version, created: r.created, updated: r.updated };
}

/**
 * The write that settles `conflict` with `value` (the caller's copy): the next version of what
 * Local holds now (`current`), or version "1" when it holds nothing.
 *
 * @example
 * ```ts
 * await commit([resolvingWrite(conflict, await local.get(conflict.type, conflict.key), value, at), dropConflict(conflict.id)]);
 * ```
 */
export function resolvingWrite(conflict: StoredConflict, current: DriverRecord | undefined, value: JsonValue, at: string): Write {
  const { type, key } = conflict;
  const version = current ? nextVersion(current.version)! : "1";
  return { op: "put", type, key, expect: replacing(current), record: { key, value, version, created: current?.created ?? at, updated: at } };
}
