/**
 * Optional peer packages (database clients, the HTTP server's Hono): imported on first use, so
 * a program that never needs one does not install it; a missing one is `UNSUPPORTED` naming the
 * package to install.
 *
 * @module
 */
import { ObjectStoreError } from "./errors.ts";

/**
 * Runs `load` (an `import()` of `pkg`, or of a module that imports it); when it fails because
 * `pkg` is missing (the error names it), rejects with `UNSUPPORTED`: "`what` needs the package
 * `pkg`: npm install `pkg`", keeping the original as `cause`. Other failures pass through.
 *
 * @example
 * ```ts
 * const mysql = await importPeer(() => import("mysql2/promise"), "mysql2", "The MySQL store");
 * ```
 */
export async function importPeer<T>(load: () => Promise<T>, pkg: string, what: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!String((error as Error | undefined)?.message).includes(pkg)) throw error;
    throw new ObjectStoreError("UNSUPPORTED", `${what} needs the package ${pkg}: npm install ${pkg}`, { cause: error });
  }
}
