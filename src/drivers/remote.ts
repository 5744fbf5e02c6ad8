/**
 * The Remote driver: a store served by objstore's HTTP API (src/http), over `fetch` only.
 * Under `createStore`, the version rules, staging and cursors run client-side exactly as on any
 * driver; the server does the work of each primitive: `get` and `types` map to the documented routes
 * (with the stored names of tenants' types and indexes, so `forTenant` and `doubleStringIndex` work),
 * `page`/`scan` to the record-level `POST /api/query`, and `commit` to one atomic
 * `POST /api/transactions` of record-level ops: the write and the version it expects, whose
 * stamps the server sets from its clock (with `replication`, records are kept verbatim).
 *
 * @module
 */
import { type CallOptions, CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, type Write } from "../driver.ts";
import { BackendError, InvalidInputError } from "../errors.ts";
import { errorFromResponse } from "../http/errors.ts";
import type { WireQuery, WireWrite } from "../http/records.ts";
import { anySignal } from "../signal.ts";
import type { StoredObject } from "../types.ts";

/** Options of {@link remoteDriver}. */
export interface RemoteDriverOptions {
  /** Base URL of an objstore HTTP API (may include a path prefix). */
  url: string;
  /** Bearer token, when the server wants one. */
  token?: string;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Records per request while scanning. @default 500 */
  scanBatch?: number;
  /**
   * Write records verbatim (versions and stamps as given), as a Migrating mirror or the
   * migration job needs when this store is `To`. Needs a token of the `replicate` scope;
   * otherwise the server sets `created`/`updated` from its own clock. @default false
   */
  replication?: boolean;
  /**
   * Milliseconds one request may take, answer body included; then the call fails with
   * `BACKEND_UNAVAILABLE` (a timed-out request is not retried). @default 30000
   */
  timeout?: number;
}

/** The largest timeout `setTimeout` can wait (about 24.8 days). */
export const MAX_TIMEOUT = 2_147_483_647;

/**
 * A driver that talks to an objstore HTTP API.
 *
 * @example
 * ```ts
 * const store = createStore(remoteDriver({ url: "http://127.0.0.1:8787", token: "s3cret" }));
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function remoteDriver(options: RemoteDriverOptions): Driver {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== "function") throw new InvalidInputError("INVALID_ARGUMENT", "Remote: no fetch available");
  const scanBatch = options.scanBatch ?? 500;
  const timeout = options.timeout ?? 30_000;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    throw new InvalidInputError("INVALID_ARGUMENT", `Remote: timeout must be an integer from 1 to ${MAX_TIMEOUT} (milliseconds)`);
  }
  const secretUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(base);
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const verbatim = options.replication === true ? { verbatim: true } : {};

  /**
   * One request and its whole answer, within `timeout` ms and until `signal` aborts. The body is
   * read here, so a server that sends headers and then stalls times out too.
   */
  async function exchange(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    const timer = new AbortController();
    const timedOut = new BackendError("BACKEND_UNAVAILABLE", `Remote: ${origin(base)} did not answer within ${timeout} ms`);
    const id = setTimeout(() => timer.abort(timedOut), timeout);
    try {
      const response = await doFetch(url, { ...init, signal: anySignal([signal, timer.signal]) });
      const text = await response.text();
      const empty = response.status === 204 || response.status === 205 || response.status === 304;
      return new Response(empty ? null : text, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (timer.signal.aborted) throw timedOut;
      throw e;
    } finally {
      clearTimeout(id);
    }
  }

  /** One request; returns the response when it is 2xx or `allow`ed, else throws the mapped error. */
  async function call(method: string, path: string, body?: unknown, allow?: number, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { ...auth };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const text = body === undefined ? undefined : JSON.stringify(body);
    // Reads are retried on network failures; a commit is not (its answer may be what was lost).
    const attempts = path === "/api/transactions" ? 1 : 3;
    let response: Response | undefined;
    for (let attempt = 1; !response; attempt++) {
      signal?.throwIfAborted();
      try {
        response = await exchange(base + path, { method, headers, body: text }, signal);
      } catch (e) {
        // The caller's abort, and a timeout (the server did not answer): neither is retried.
        if (signal?.aborted || (e instanceof BackendError && e.code === "BACKEND_UNAVAILABLE")) throw e;
        // A URL with credentials may be quoted by the fetch error: then no cause (no secrets).
        if (attempt >= attempts) throw new BackendError("BACKEND_UNAVAILABLE", `Remote: cannot reach ${origin(base)}`, secretUrl ? undefined : { cause: e });
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    if (response.ok || response.status === allow) return response;
    throw errorFromResponse(response.status, await response.json().catch(() => null));
  }

  async function query(type: string, request: PageRequest, options?: CallOptions): Promise<DriverPage> {
    const body: WireQuery = { type, ...request };
    return (await call("POST", "/api/query", body, undefined, options?.signal)).json() as Promise<DriverPage>;
  }

  return {
    kind: "Remote",

    async get(type, key, options) {
      // "." and ".." cannot be path segments (URLs normalise them away): use the query form.
      const path = isDots(type) || isDots(key)
        ? `/api/object?type=${encodeURIComponent(type)}&key=${encodeURIComponent(key)}`
        : `/api/objects/${encodeURIComponent(type)}/${encodeURIComponent(key)}`;
      const response = await call("GET", path, undefined, 404, options?.signal);
      if (response.status === 404) {
        const body = await response.json().catch(() => null) as { error?: { code?: string } } | null;
        if (body?.error?.code === "OBJECT_MISSING") return undefined;
        throw errorFromResponse(404, body);
      }
      const object = await response.json() as StoredObject;
      return { key: object.key, value: object.value, version: object.version, created: object.created, updated: object.updated };
    },

    page: query,

    async *scan(type, terms, options) {
      let after: string | undefined;
      for (;;) {
        const request: PageRequest = { terms, sort: [], offset: 0, limit: scanBatch, count: false };
        if (after !== undefined) request.after = { key: after, values: [] };
        const { items } = await query(type, request, options);
        for (const item of items) yield item;
        if (items.length < scanBatch) return;
        after = items[items.length - 1]!.key;
      }
    },

    async types(options) {
      // Every stored name (tenants' types, indexes): the store above keeps what is its own.
      return (await call("GET", "/api/types?all=1", undefined, undefined, options?.signal)).json() as Promise<string[]>;
    },

    async commit(writes: Write[]) {
      const response = await call("POST", "/api/transactions", { writes: writes.map(toWire), ...verbatim }, 412);
      if (response.status === 412) throw await conflictFrom(response);
      // The server set the stamps: hand them back in the records, which the store reports.
      const { results } = await response.json() as { results?: ({ created?: unknown; updated?: unknown } | null)[] };
      writes.forEach((write, i) => {
        const stored = results?.[i];
        if (write.op !== "put" || typeof stored?.created !== "string" || typeof stored.updated !== "string") return;
        write.record.created = stored.created;
        write.record.updated = stored.updated;
      });
    },

    // A versioned save outside a transaction: one request instead of a read plus a commit.
    async replace(type, key, version, record) {
      const stamps = options.replication === true ? { updated: record.updated } : {};
      const write: WireWrite = { op: "replace", type, key, version, record: { value: record.value, version: record.version, ...stamps } };
      const response = await call("POST", "/api/transactions", { writes: [write], ...verbatim }, 412);
      if (response.status === 412) throw await conflictFrom(response);
      const body = await response.json() as { results: { created: string; updated?: unknown }[] };
      const stored = body.results[0]!;
      if (typeof stored.updated === "string") record.updated = stored.updated;
      return stored.created;
    },

    async close() {},
  };
}

/** The CommitConflict a 412 of a record-level request describes (else the mapped error). */
async function conflictFrom(response: Response): Promise<Error> {
  const body = await response.json().catch(() => null) as { error?: { index?: unknown; current?: unknown } } | null;
  const index = body?.error?.index;
  if (typeof index !== "number") return errorFromResponse(412, body);
  const current = body?.error?.current;
  return new CommitConflict(index, typeof current === "string" ? current : undefined);
}

function toWire(write: Write): WireWrite {
  if (write.op !== "put") return write;
  const { value, version, created, updated } = write.record as DriverRecord;
  return { op: "put", type: write.type, key: write.key, expect: write.expect, record: { value, version, created, updated } };
}

function isDots(segment: string): boolean {
  return segment === "." || segment === "..";
}

/** The scheme, host and port of a URL, never its credentials or path. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the server";
  }
}
