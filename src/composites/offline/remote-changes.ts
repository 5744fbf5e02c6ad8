/**
 * The client of `POST /api/changes` (an objstore HTTP API's change feed) for an Offline store
 * whose Main is Remote. A server without the route answers 404 `NOT_FOUND`, which becomes
 * {@link ChangesUnsupported}: the Offline store then walks the type instead.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { errorFromResponse } from "../../http/errors.ts";
import { ChangesUnsupported } from "./pull.ts";
import type { ChangesRequest, ChangesResponse, ChangesSource } from "./types.ts";

/** Where the server is. */
export interface RemoteChangesOptions {
  url: string;
  token?: string;
  fetch: typeof fetch;
}

/**
 * The change feed of the objstore HTTP API at `url`.
 *
 * @example
 * ```ts
 * const feed = remoteChanges({ url: "http://127.0.0.1:8787", fetch });
 * const { changed, at } = await feed.changes({ type: "Note", since: lastSync });
 * ```
 */
export function remoteChanges(options: RemoteChangesOptions): ChangesSource {
  const base = options.url.replace(/\/+$/, "");
  // Called unbound: a browser's fetch called as a method of another object throws.
  const doFetch = options.fetch;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return {
    async changes(request: ChangesRequest): Promise<ChangesResponse> {
      let response: Response;
      try {
        response = await doFetch(`${base}/api/changes`, { method: "POST", headers, body: JSON.stringify(request) });
      } catch {
        // No cause: a fetch error may quote a URL with credentials.
        throw new BackendError("BACKEND_UNAVAILABLE", "Remote: cannot reach the server for changes");
      }
      if (response.ok) return await response.json() as ChangesResponse;
      const body = await response.json().catch(() => null) as { error?: { code?: string } } | null;
      if ((response.status === 404 || response.status === 405) && body?.error?.code !== "OBJECT_MISSING") throw new ChangesUnsupported();
      throw errorFromResponse(response.status, body);
    },
  };
}
