/**
 * How `@libsql/client` errors read, for the SQL layer's one error mapping.
 *
 * @module
 */
import type { DialectErrors } from "../sql/dialect.ts";

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
 * libSQL's error rules: SQLITE_BUSY / SQLITE_LOCKED (another connection holds the lock) are
 * retried; network, HTTP and open failures are `BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * if (libsqlErrors.retryable(e)) await sleep(10); // then try again
 * ```
 */
export const libsqlErrors: DialectErrors = {
  code: codeOf,
  retryable(error) {
    const code = codeOf(error);
    return code !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(code);
  },
  unavailable(error) {
    const code = codeOf(error);
    return code !== undefined && UNAVAILABLE.test(code);
  },
};
