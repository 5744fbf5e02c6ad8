/**
 * The small interface every backend implements (STYLE: "two layers"). The store layer
 * (`createStore`) adds validation, copying, the version rules, transactions and errors.
 *
 * @module
 */
import type { Position, SortField } from "./query.ts";
import type { JsonValue } from "./types.ts";

/** An object as a driver holds it; the type is implied by the call. */
export interface DriverRecord {
  /** The object's key. */
  key: string;
  /** The stored JSON value. */
  value: JsonValue;
  /** The version (`"1"`, `"2"`, ...). */
  version: string;
  /** When the object was created (ISO-8601 UTC). */
  created: string;
  /** When the object was last saved (ISO-8601 UTC). */
  updated: string;
}

/**
 * The condition a write needs at commit: the object is `absent`, is `present` (any version),
 * is at `version`, or `any` state at all (unconditional).
 */
export type Expect = { absent: true } | { present: true } | { version: string } | { any: true };

/** True when an object at `current` (`undefined`: absent) satisfies `expect`. */
export function satisfies(expect: Expect, current: string | undefined): boolean {
  if ("version" in expect) return current === expect.version;
  if ("absent" in expect) return current === undefined;
  if ("present" in expect) return current !== undefined;
  return true;
}

/** One write of a commit. */
export type Write =
  | { op: "put"; type: string; key: string; expect: Expect; record: DriverRecord }
  | { op: "delete"; type: string; key: string; expect: Expect }
  | { op: "truncate"; type: string };

/**
 * A listing request, already validated. Items are those matching every term, in the order of
 * `sort` (ties by key), strictly after `after` when given, then [offset, offset + limit).
 */
export interface PageRequest {
  /** Lower-cased query terms (see `searchText`). */
  terms: string[];
  /** Sort fields, in order; none means key order. */
  sort: SortField[];
  /** Matches to skip (after `after`). */
  offset: number;
  /** Most items to return. */
  limit: number;
  /** Keyset position: only items strictly after it. */
  after?: Position;
  /** Whether `total` (the number of matches, ignoring offset/limit/after) is wanted. */
  count: boolean;
}

/** What a driver's `page` returns; `total` is -1 when it was not asked for. */
export interface DriverPage {
  /** The records of the page, in order. */
  items: DriverRecord[];
  /** The number of matches when `count` was asked for, else -1. */
  total: number;
}

/** Thrown by `commit` when a write's condition does not hold; nothing was written. */
export class CommitConflict extends Error {
  /** Index of the failing write in the commit. */
  readonly index: number;
  /** The version found (`undefined` when the object is absent). */
  readonly current: string | undefined;

  /** Creates the conflict of write `index`, which found `current`. */
  constructor(index: number, current: string | undefined) {
    super(`write ${index} conflicts (found ${current === undefined ? "no object" : `version ${current}`})`);
    this.index = index;
    this.current = current;
    this.name = "CommitConflict";
  }
}

/**
 * Options of a driver read. A driver that makes network calls passes `signal` to them and,
 * when it aborts, rejects with `signal.reason`; others may ignore it (the store layer checks it).
 */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * A driver's `get`: the record at `type`/`key`, or `undefined`. A backend whose reads need no
 * I/O (Memory) gives it `now`, the same read answered at once, which `store.get` then calls
 * instead (no promise in between). `now` belongs to the function: a wrapper that replaces `get`
 * leaves it behind, so the store never reads around the wrapper.
 */
export interface DriverGet {
  (type: string, key: string, options?: CallOptions): Promise<DriverRecord | undefined>;
  /** The same read as the call, answered at once. */
  now?: (type: string, key: string) => DriverRecord | undefined;
}

/**
 * A backend. Records it returns belong to the caller (fresh copies); records it is given
 * belong to it. Drivers throw `ObjectStoreError`s (mapping their backend's errors in one place)
 * and `CommitConflict`.
 */
export interface Driver {
  /** The backend's name, e.g. `"Memory"`: the store's `kind`. */
  readonly kind: string;
  /** The record at `type`/`key`, or `undefined`. */
  get: DriverGet;
  /** One page of a type's records, as {@link PageRequest} says. */
  page(type: string, request: PageRequest, options?: CallOptions): Promise<DriverPage>;
  /** Every record of a type matching `terms`, in key order, streamed. */
  scan(type: string, terms: string[], options?: CallOptions): AsyncIterable<DriverRecord>;
  /** Types holding at least one object, in any order. */
  types(options?: CallOptions): Promise<string[]>;
  /**
   * Applies every write or none, checking each `expect` inside the backend's atomic step.
   * A backend that sets stamps itself (Remote: the server's clock) writes the stored `created`
   * and `updated` back into the put records it was given; the store reports those.
   * Writes come truncates first, then at most one write per (type, key).
   * On a failed condition throws {@link CommitConflict} and writes nothing.
   */
  commit(writes: Write[]): Promise<void>;
  /**
   * Optional: replaces the object at `version` with `record` in one atomic step, keeping its
   * stored `created`, which it returns. Throws {@link CommitConflict} (index 0, the version
   * found) and writes nothing when the object is not at `version`; may set `record.updated` to
   * the stamp the backend stored. When present, a versioned
   * `save` outside a transaction uses it instead of a read plus a commit.
   */
  replace?(type: string, key: string, version: string, record: Omit<DriverRecord, "created">): Promise<string>;
  /** Releases the backend. */
  close(): Promise<void>;
}
