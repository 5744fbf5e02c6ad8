/**
 * What the `expect` package's dependencies need from Node built-ins that have no browser build
 * (`util/types`, `module`, `fs`, `graceful-fs`): just enough for assertion messages. The
 * browser bundle maps those imports here (test/browser/build.ts).
 * @module
 */
export const isNativeError = (value: unknown): boolean => value instanceof Error;
export const builtinModules: string[] = [];
const unavailable = (): never => {
  throw new Error("no file system in the browser");
};
export const readFileSync = unavailable;
export const existsSync = (): boolean => false;
export const realpathSync = Object.assign(unavailable, { native: unavailable });
export default { isNativeError, builtinModules, readFileSync, existsSync, realpathSync };
