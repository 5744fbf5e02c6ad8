/**
 * The optional bearer token guarding `/api/*`, compared in constant time.
 *
 * @module
 */
import { HttpError } from "./errors.ts";

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * A checker for `Authorization: Bearer <token>` headers. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the presented token.
 *
 * @example
 * ```ts
 * const check = bearerCheck("s3cret");
 * await check(request.headers.get("authorization")); // throws a 401 HttpError when wrong
 * ```
 */
export function bearerCheck(token: string): (header: string | null | undefined) => Promise<void> {
  const expected = digest(token);
  return async (header) => {
    const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const given = await digest(match?.[1] ?? "");
    const want = await expected;
    let diff = match ? 0 : 1;
    for (let i = 0; i < want.length; i++) diff |= want[i]! ^ given[i]!;
    if (diff !== 0) {
      throw new HttpError(401, "UNAUTHORIZED", match ? "Invalid bearer token" : "Missing bearer token (Authorization: Bearer <token>)");
    }
  };
}
