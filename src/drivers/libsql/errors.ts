/**
 * Maps what `@libsql/client` throws to objstore errors, in one place.
 *
 * @module
 */
import { BackendError, ObjectStoreError } from "../../errors.ts";

/** Codes that mean the database could not be reached or was locked: nothing was done. */
const UNAVAILABLE = /^(SQLITE_BUSY|SQLITE_LOCKED|SERVER_ERROR|HRANA_|HTTP_|STREAM_EXPIRED|SQLITE_CANTOPEN|PROTOCOL_VERSION_ERROR)/;

/**
 * The code of a libSQL error (`LibsqlError.code`), if it has one.
 *
 * @example
 * ```ts
 * codeOf(new LibsqlError("locked", "SQLITE_BUSY")); // "SQLITE_BUSY"
 * ```
 */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True for SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock; safe to retry.
 *
 * @example
 * ```ts
 * if (isBusy(e)) await sleep(10); // then try again
 * ```
 */
export function isBusy(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Turns a libSQL failure into a {@link BackendError}: `BACKEND_UNAVAILABLE` when the server
 * could not be reached (network, HTTP, lock timeouts), `BACKEND_ERROR` otherwise. The original
 * is kept as `cause`. ObjectStoreErrors pass through.
 *
 * @example
 * ```ts
 * try { await client.execute(sql) } catch (e) { throw mapLibsqlError(e, "get") }
 * ```
 */
export function mapLibsqlError(error: unknown, what: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const code = codeOf(error);
  const unreachable = (code !== undefined && UNAVAILABLE.test(code)) || error instanceof TypeError;
  return new BackendError(
    unreachable ? "BACKEND_UNAVAILABLE" : "BACKEND_ERROR",
    `libSQL ${what} failed${code ? ` (${code})` : ""}`,
    { cause: error },
  );
}
