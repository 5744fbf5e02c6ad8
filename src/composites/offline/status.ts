/**
 * The Offline store's status (`online`, `pending`, `conflicts`, `lastSync`): what it holds, and
 * telling `onStatus` each time it changes (a failing listener never breaks the store).
 *
 * @module
 */
import type { Driver } from "../../driver.ts";
import { outboxSize } from "./outbox.ts";
import { CONFLICTS } from "./reserved.ts";
import type { OfflineStatus } from "./types.ts";

/** The status and its updates. */
export interface StatusBoard {
  /** The current status (read it; change it through `set`). */
  readonly status: OfflineStatus;
  /** Applies `patch`; `onStatus` hears of it when something changed. */
  set(patch: Partial<OfflineStatus>): void;
  /** Counts the outbox and the open conflicts in `local` again. */
  refresh(local: Driver): Promise<void>;
}

/**
 * A status board starting online with nothing pending.
 *
 * @example
 * ```ts
 * const board = statusBoard((s) => console.log(s.online));
 * board.set({ online: false }); // logs false
 * ```
 */
export function statusBoard(onStatus?: (status: OfflineStatus) => void): StatusBoard {
  const status: OfflineStatus = { online: true, pending: 0, conflicts: 0 };
  const set = (patch: Partial<OfflineStatus>) => {
    const before = JSON.stringify(status);
    Object.assign(status, patch);
    if (JSON.stringify(status) === before) return;
    try {
      onStatus?.({ ...status });
    } catch {
      // a failing listener must not break the store
    }
  };
  return {
    status,
    set,
    async refresh(local) {
      const pending = await outboxSize(local);
      const conflicts = (await local.page(CONFLICTS, { terms: [], sort: [], offset: 0, limit: 0, count: true })).total;
      set({ pending, conflicts });
    },
  };
}
