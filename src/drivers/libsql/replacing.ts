/**
 * A libSQL client that is replaced after a busy error. The native client (`@libsql/client` on
 * a local file) leaves a statement that failed with SQLITE_BUSY or SQLITE_LOCKED active until it
 * is garbage-collected (libsql resets a statement before it runs, not after it fails), and puts
 * its connection back into its pool. While a write statement (a `BEGIN IMMEDIATE` is one) is
 * active on a connection, every COMMIT there fails with "cannot commit transaction - SQL
 * statements in progress", and a single write there runs in a transaction that never commits:
 * reported done, it holds the file's write lock and is rolled back when the statement is
 * collected. So after such an error no further statement may run on that client.
 *
 * @module
 */
import type { Client } from "@libsql/client/web";

/** SQLite's "the database is locked" codes. */
const LOCKED = /^SQLITE_(BUSY|LOCKED)/;

/** Runs calls on the current client; see {@link replacingClient}. */
export interface ReplacingClient {
  /** Runs `fn` on the current client (after a replacement under way). */
  use<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /** Closes the current client (a replaced one closes when its last call ends). */
  close(): Promise<void>;
}

/**
 * Runs calls on `first`; with `reopen`, a call failing with SQLITE_BUSY or SQLITE_LOCKED makes
 * `reopen()`'s client the current one, and the failed one is closed once no call runs on it.
 * Without `reopen` (a remote database, `:memory:`) it only forwards.
 *
 * @example
 * ```ts
 * const open = () => createClient({ url: "file:app.db", timeout: 5000 });
 * const clients = replacingClient(open(), open);
 * const result = await clients.use((c) => c.execute("SELECT 1"));
 * ```
 */
export function replacingClient(first: Client, reopen?: () => Client | Promise<Client>): ReplacingClient {
  let current = first;
  let replacing: Promise<void> | undefined;
  let closed = false;
  const running = new Map<Client, number>();
  const retire = (old: Client) => {
    if (old !== current && !running.has(old)) old.close();
  };
  const replace = (failed: Client) => {
    if (reopen === undefined || closed || failed !== current || replacing) return;
    replacing = (async () => {
      const next = await reopen();
      if (closed) return next.close();
      current = next;
      retire(failed);
    })().catch(() => {}).finally(() => (replacing = undefined)); // a failed reopen keeps the old client
  };
  return {
    async use(fn) {
      await replacing;
      const c = current;
      running.set(c, (running.get(c) ?? 0) + 1);
      try {
        return await fn(c);
      } catch (error) {
        if (LOCKED.test(String((error as { code?: unknown } | null)?.code))) replace(c);
        throw error;
      } finally {
        const left = running.get(c)! - 1;
        if (left > 0) {
          running.set(c, left);
        } else {
          running.delete(c);
          retire(c);
        }
      }
    },
    async close() {
      closed = true;
      await replacing;
      current.close();
    },
  };
}
