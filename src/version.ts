/**
 * The package version (kept equal to package.json and deno.json by test/package-meta.test.ts).
 *
 * @module
 */

/** This package's version, as `objstore --version` prints it. */
export const VERSION = "0.1.0";
