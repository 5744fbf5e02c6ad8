/**
 * A driver that can be switched off: while off, every call fails with BACKEND_UNAVAILABLE,
 * as a Remote driver does when its server is down. Counts the calls that reached it (`calls`)
 * and every call tried, refused ones included (`attempts`: the requests a client would send).
 * @module
 */
import type { Driver } from "../../src/driver.ts";
import { BackendError } from "../../src/errors.ts";

export interface Switchable extends Driver {
  up: boolean;
  calls: number;
  attempts: number;
}

export function switchable(inner: Driver): Switchable {
  const down = () => new BackendError("BACKEND_UNAVAILABLE", "Main is switched off");
  const d: Switchable = {
    kind: inner.kind,
    up: true,
    calls: 0,
    attempts: 0,
    async get(type, key) {
      d.attempts++;
      if (!d.up) throw down();
      d.calls++;
      return inner.get(type, key);
    },
    async page(type, request) {
      d.attempts++;
      if (!d.up) throw down();
      d.calls++;
      return inner.page(type, request);
    },
    async *scan(type, terms) {
      d.attempts++;
      if (!d.up) throw down();
      d.calls++;
      yield* inner.scan(type, terms);
    },
    async types() {
      d.attempts++;
      if (!d.up) throw down();
      d.calls++;
      return inner.types();
    },
    async commit(writes) {
      d.attempts++;
      if (!d.up) throw down();
      d.calls++;
      return inner.commit(writes);
    },
    close: () => inner.close(),
  };
  return d;
}
