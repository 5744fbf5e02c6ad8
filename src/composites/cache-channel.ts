/**
 * The Caching store's BroadcastChannel: instances sharing a cache store (tabs on one IndexedDB
 * database, workers on one file) announce their writes on it, so the others drop (or replace)
 * their index entries.
 *
 * @module
 */

/**
 * An announcement on the channel: `key` absent means the whole type was truncated. A write
 * that left a cache record names it (`owner`, `seq` and `w`: the writing instance, its sequence
 * number and the wall-clock time cached): an instance sharing the cache store indexes that
 * record instead of only dropping its entry.
 */
export interface Invalidation {
  type: string;
  key?: string;
  owner?: string;
  seq?: number;
  w?: number;
}

/** An open channel: `post` never throws (a closed channel has nobody to tell). */
export interface CacheChannel {
  post(message: Invalidation): void;
  close(): void;
}

/**
 * Opens the channel `name` where the runtime has `BroadcastChannel` (else returns undefined);
 * `onMessage` receives well-formed announcements of other instances.
 *
 * @example
 * ```ts
 * const channel = openCacheChannel("objstore-cache:1a2b3c4d", (m) => console.log(m.type, m.key));
 * channel?.post({ type: "Note", key: "n1" });
 * ```
 */
export function openCacheChannel(name: string, onMessage: (message: Invalidation) => void): CacheChannel | undefined {
  if (typeof BroadcastChannel !== "function") return undefined;
  const channel = new BroadcastChannel(name);
  // Node keeps the process alive while a channel is open.
  (channel as { unref?: () => void }).unref?.();
  channel.onmessage = (event: MessageEvent) => {
    const m = event.data as Invalidation | null;
    if (typeof m?.type === "string") onMessage(m);
  };
  return {
    post(message) {
      try {
        channel.postMessage(message);
      } catch { /* a closed channel: nobody to tell */ }
    },
    close: () => channel.close(),
  };
}

/**
 * The record an announcement names, when it names one.
 *
 * @example
 * ```ts
 * const named = namedRecord(message);
 * if (named) console.log(named.owner, named.seq);
 * ```
 */
export function namedRecord(m: Invalidation): { owner: string; seq: number; w: number } | undefined {
  return typeof m.owner === "string" && typeof m.seq === "number" && typeof m.w === "number" ? { owner: m.owner, seq: m.seq, w: m.w } : undefined;
}
