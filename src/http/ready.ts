/**
 * `GET /ready`: whether the store can serve now (one cheap read, bounded in time), with the
 * reason when it cannot. Never a secret: library errors carry none, others become a bare code.
 *
 * @module
 */
import type { ObjectStore } from "../types.ts";
import { errorResponse } from "./errors.ts";

/** What `/ready` answers. */
export type Readiness = { ok: true } | { ok: false; error: { code: string; message: string } };

/** How long `/ready` waits for the store, ms. */
const READY_TIMEOUT_MS = 5000;

/**
 * Reads one (absent) object: it succeeds when the backend is configured and reachable.
 *
 * @example
 * ```ts
 * await readiness(createObjectStoreInstance()); // { ok: true }
 * ```
 */
export async function readiness(store: ObjectStore): Promise<Readiness> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: { code: "BACKEND_UNAVAILABLE", message: `The store did not answer within ${READY_TIMEOUT_MS / 1000} s` } }), READY_TIMEOUT_MS);
  });
  const probe = store.get("objstore.ready", "probe").then(
    (): Readiness => ({ ok: true }),
    (e): Readiness => ({ ok: false, error: errorResponse(e).body.error }),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
