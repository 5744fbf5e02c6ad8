/**
 * A driver whose implementation is loaded on first use, so a bundler that splits code keeps
 * backends a program never configures out of its main chunk (`create.ts` loads each backend
 * through a dynamic `import()`).
 *
 * @module
 */
import type { CallOptions, Driver, DriverPage, DriverRecord, PageRequest, Write } from "../driver.ts";

/** Options of {@link lazyDriver}. */
export interface LazyDriverOptions {
  /**
   * Whether the loaded driver has `replace`. The store looks for `replace` before anything is
   * loaded, so this must say, per backend, what the real driver does (checked on load).
   */
  replace: boolean;
}

/**
 * A driver that calls `load` on its first operation and forwards every call to the driver it
 * gives. The load is memoised; a failed load (a chunk that did not arrive) is tried again by
 * the next operation, like a failed connection. `close()` before any operation loads nothing.
 * `kind` and `replace` must be what the loaded driver has (a mismatch fails the load).
 *
 * @example
 * ```ts
 * const driver = lazyDriver("Remote", async () => (await import("./remote.ts")).remoteDriver({ url }), { replace: true });
 * const store = createStore(driver); // remote.ts is imported by the first operation
 * ```
 */
export function lazyDriver(kind: string, load: () => Promise<Driver>, options: LazyDriverOptions): Driver {
  let loading: Promise<Driver> | undefined;
  let closed = false;

  const loaded = (): Promise<Driver> => {
    // Closed before it was ever loaded: the loaded driver is closed too, then used as it would be.
    const closeFirst = closed;
    loading ??= (async () => {
      try {
        const driver = await load();
        if (driver.kind !== kind || (typeof driver.replace === "function") !== options.replace) {
          throw new Error(`lazyDriver: loaded a ${driver.kind} driver${driver.replace ? " with" : " without"} replace; expected ${kind}`);
        }
        if (closeFirst) await driver.close();
        return driver;
      } catch (error) {
        loading = undefined; // the next operation tries again
        throw error;
      }
    })();
    return loading;
  };

  const driver: Driver = {
    kind,
    get: async (type: string, key: string, options?: CallOptions): Promise<DriverRecord | undefined> => (await loaded()).get(type, key, options),
    page: async (type: string, request: PageRequest, options?: CallOptions): Promise<DriverPage> => (await loaded()).page(type, request, options),
    async *scan(type: string, terms: string[], options?: CallOptions): AsyncIterable<DriverRecord> {
      yield* (await loaded()).scan(type, terms, options);
    },
    types: async (options?: CallOptions): Promise<string[]> => (await loaded()).types(options),
    commit: async (writes: Write[]): Promise<void> => (await loaded()).commit(writes),
    async close(): Promise<void> {
      closed = true;
      if (loading === undefined) return; // never loaded: nothing to close
      let real: Driver;
      try {
        real = await loading;
      } catch {
        return; // the load failed: nothing was opened
      }
      await real.close();
    },
  };
  if (options.replace) {
    driver.replace = async (type, key, version, record) => (await loaded()).replace!(type, key, version, record);
  }
  return driver;
}
