/**
 * The public shapes of the Offline store: its status, its conflicts and the store itself.
 *
 * @module
 */
import type { Driver, DriverRecord } from "../../driver.ts";
import type { JsonValue, ObjectStore, StoredObject } from "../../types.ts";

/** Where an Offline store stands, as `status()` and `onStatus` report it. */
export interface OfflineStatus {
  /** Whether the last call to Main reached it. */
  online: boolean;
  /** Outbox entries (transactions written offline) not yet replayed on Main. */
  pending: number;
  /** Conflicts waiting for `resolve()`. */
  conflicts: number;
  /** When the last complete sync ended (ISO-8601), if one has. */
  lastSync?: string;
}

/**
 * A replayed offline write that Main refused: the local write and Main's object (either may be
 * absent: a local remove, or an object Main no longer has). Local holds Main's object until
 * `resolve()` settles it.
 */
export interface OfflineConflict {
  /** Identifies the conflict, for `resolve()`. */
  id: string;
  /** The object type written. */
  type: string;
  /** The key written. */
  key: string;
  /** What was written offline; absent for a remove. */
  local?: StoredObject;
  /** Main's object when the conflict was found; absent when Main has none. */
  remote?: StoredObject;
}

/**
 * What `createObjectStoreInstance` returns for `{"Type":"Offline",...}`.
 *
 * @example
 * ```ts
 * const store = createObjectStoreInstance(offlineConfig) as OfflineObjectStore;
 * await store.sync();
 * for (const c of await store.conflicts()) await store.resolve(c.id, "remote");
 * ```
 */
export interface OfflineObjectStore extends ObjectStore {
  /** Replays the outbox on Main, then brings Local up to date. Rejects when Main is unreachable. */
  sync(): Promise<void>;
  /** The current status (no I/O). */
  status(): OfflineStatus;
  /** The open conflicts, oldest first. */
  conflicts(): Promise<OfflineConflict[]>;
  /** Settles a conflict: `"remote"` keeps Main's object; a value is saved over Main's object. */
  resolve(id: string, choice: JsonValue | "remote"): Promise<void>;
}

/**
 * "What changed on Main since a watermark", when Main can answer it cheaply (the Remote driver
 * over objstore's HTTP API, `POST /api/changes`).
 */
export interface ChangesSource {
  changes(request: ChangesRequest): Promise<ChangesResponse>;
}

/** A request of {@link ChangesSource.changes}. */
export interface ChangesRequest {
  type: string;
  /** Records updated after this (ISO-8601) are `changed`; the rest are summed up in `digest`. */
  since?: string;
  /** Only changed records with keys after this one (paging). */
  after?: string;
  /** Most changed records in one answer. */
  limit?: number;
  /** Instead of changes: `[key, version]` of the records updated at or before `since` in these buckets. */
  versionsOf?: number[];
}

/** The answer to a {@link ChangesRequest}. */
export interface ChangesResponse {
  /** Main's clock when it read the type: the next `since`. */
  at: string;
  /** Records updated after `since`, in key order. */
  changed: DriverRecord[];
  /** Present when more changed records follow: pass it as `after`. */
  next?: string;
  /** With `since`: the digest of every record updated at or before it (see `digest.ts`). */
  digest?: string[];
  /** With `versionsOf`: `[key, version]` pairs of those buckets. */
  versions?: [string, string][];
}

/** Options of `offlineDriver`. */
export interface OfflineOptions {
  /** The store of record (typically Remote). */
  main: Driver;
  /** Where the replica, the outbox and the conflicts live (typically IndexedDB). */
  local: Driver;
  /** The object types replicated into Local; every other type goes straight to Main. */
  types: string[];
  /** Milliseconds between background syncs; 0 turns them off. @default 30000 */
  syncInterval?: number;
  /** Main's change feed, when it has one (the Remote driver's `POST /api/changes`). */
  changes?: ChangesSource;
  /** Clock for stamps of records written here (resolve) and of the outbox. @default () => new Date() */
  now?: () => Date;
  /** Called for every conflict a replay finds. Errors it throws are ignored. */
  onConflict?: (conflict: OfflineConflict) => void;
  /** Called whenever the status changes. Errors it throws are ignored. */
  onStatus?: (status: OfflineStatus) => void;
  /**
   * A name every store over the same Local shares (tabs over one IndexedDB database): replays
   * then take a Web Lock (or a claim in Local) of that name, and tell each other over a
   * BroadcastChannel of that name. Without it, this store is Local's only user.
   */
  shared?: string;
}

/** The Offline driver with the calls the Offline store adds. */
export interface OfflineDriver extends Driver {
  sync(): Promise<void>;
  status(): OfflineStatus;
  conflicts(): Promise<OfflineConflict[]>;
  resolve(id: string, choice: JsonValue | "remote"): Promise<void>;
}
