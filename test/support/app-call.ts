/**
 * Calls an app in process with a bearer token and a JSON body, as the HTTP tests do.
 *
 * @module
 */

/** Something with Hono's `request` (an app from `createApp`). */
interface Requestable {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/** A `call(token, method, path, body?, headers?)` on the app `app()` returns at call time. */
export function appCaller(app: () => Requestable) {
  return async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app().request(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}
