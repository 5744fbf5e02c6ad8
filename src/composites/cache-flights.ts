/**
 * The Caching store's reads of Main in flight: concurrent misses for one key share one read,
 * and a write (here or announced by another instance) marks the read stale, so its result is
 * returned to its callers but not cached.
 *
 * @module
 */
import type { DriverRecord } from "../driver.ts";

interface Flight {
  promise: Promise<DriverRecord | undefined>;
  stale: boolean;
}

/** The reads in flight, by type and key. */
export interface Flights {
  /**
   * The read of `key` in flight, else a new one by `read`; `keep` is given its record unless
   * a write marked it stale meanwhile.
   */
  read(type: string, key: string, read: () => Promise<DriverRecord | undefined>, keep: (record: DriverRecord) => void): Promise<DriverRecord | undefined>;
  /** A write of `key`: its read in flight is not cached, and later misses read again. */
  stale(type: string, key: string): void;
  /** A truncate of `type`: the same for every key of it. */
  staleType(type: string): void;
}

/**
 * An empty table of reads in flight.
 *
 * @example
 * ```ts
 * const flights = flightTable();
 * const record = await flights.read("Note", "n1", () => main.get("Note", "n1"), (r) => cacheIt(r));
 * ```
 */
export function flightTable(): Flights {
  const flights = new Map<string, Map<string, Flight>>();
  return {
    read(type, key, read, keep) {
      let map = flights.get(type);
      if (!map) flights.set(type, map = new Map());
      const inFlight = map.get(key);
      if (inFlight) return inFlight.promise;
      const f: Flight = { stale: false, promise: Promise.resolve(undefined) };
      const table = map;
      f.promise = (async () => {
        try {
          const record = await read();
          if (record && !f.stale) keep(record);
          return record;
        } finally {
          if (table.get(key) === f) table.delete(key);
        }
      })();
      map.set(key, f);
      return f.promise;
    },
    stale(type, key) {
      const map = flights.get(type);
      const flight = map?.get(key);
      if (flight) flight.stale = true, map!.delete(key);
    },
    staleType(type) {
      for (const flight of flights.get(type)?.values() ?? []) flight.stale = true;
      flights.delete(type);
    },
  };
}
