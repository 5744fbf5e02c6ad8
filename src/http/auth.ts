/**
 * Bearer tokens with scopes: `read` (reads only), `write` (every ordinary route) and
 * `replicate` (also record-level writes kept verbatim). Tokens are held as SHA-256 digests and
 * compared in constant time, through `hono/bearer-auth`.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { InvalidInputError } from "../errors.ts";

/** What a token may do: read, read and write, or also write records verbatim (replication). */
export type Scope = "read" | "write" | "replicate";

/** A token and its scope. */
export interface TokenGrant {
  /** The bearer token (`Authorization: Bearer <token>`). */
  token: string;
  /** What requests with it may do. */
  scope: Scope;
}

const SCOPES: readonly Scope[] = ["read", "write", "replicate"];
/** RFC 6750 `b64token`, the characters a bearer token may have. */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;
const encoder = new TextEncoder();

/**
 * Parses the `API_TOKENS` format: comma-separated `token:scope` entries, scope one of `read`,
 * `write`, `replicate` (a token without `:scope` is `write`). Whitespace around entries is
 * ignored.
 *
 * @example
 * ```ts
 * parseTokens("r3ad:read, wr1te:write, r3pl:replicate"); // [{ token: "r3ad", scope: "read" }, ...]
 * ```
 */
export function parseTokens(text: string): TokenGrant[] {
  const grants: TokenGrant[] = [];
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.lastIndexOf(":");
    const scope = colon < 0 ? "write" : entry.slice(colon + 1);
    if (!SCOPES.includes(scope as Scope)) {
      throw new InvalidInputError("INVALID_ARGUMENT", `Invalid API_TOKENS entry ${grants.length + 1}: scope must be read, write or replicate`);
    }
    grants.push({ token: colon < 0 ? entry : entry.slice(0, colon), scope: scope as Scope });
  }
  return grants;
}

/** Checks grants; returns them or throws a message that never quotes a token. */
function checkGrants(grants: readonly TokenGrant[]): readonly TokenGrant[] {
  grants.forEach((g, i) => {
    if (typeof g?.token !== "string" || !TOKEN.test(g.token)) {
      throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: expected a non-empty string of letters, digits and -._~+/ (RFC 6750)`);
    }
    if (!SCOPES.includes(g.scope)) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: scope must be read, write or replicate`);
  });
  return grants;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * The `/api/*` guard: a `hono/bearer-auth` middleware whose verifier compares the digest of the
 * presented token with every configured digest (no early exit) and records the scope found as
 * the context variable `scope`. Failures are 401 JSON errors with `WWW-Authenticate`.
 *
 * @example
 * ```ts
 * app.use("/api/*", tokenAuth([{ token: "s3cret", scope: "write" }]));
 * ```
 */
export function tokenAuth(grants: readonly TokenGrant[]): MiddlewareHandler<{ Variables: { scope: Scope } }> {
  const held = Promise.all(checkGrants(grants).map(async (g) => ({ digest: await digest(g.token), scope: g.scope })));
  const fail = (message: string) => () =>
    new Response(JSON.stringify({ error: { code: "UNAUTHORIZED", message } }), {
      status: 401,
      headers: { "Content-Type": "application/json; charset=utf-8", "WWW-Authenticate": 'Bearer realm="objstore"' },
    });
  return bearerAuth({
    realm: "objstore",
    noAuthenticationHeader: { message: fail("Missing bearer token (Authorization: Bearer <token>)") },
    invalidAuthenticationHeader: { message: fail("Invalid bearer token") },
    invalidToken: { message: fail("Invalid bearer token") },
    verifyToken: async (token, c) => {
      const given = await digest(token);
      let found: Scope | undefined;
      for (const { digest: want, scope } of await held) {
        let diff = 0;
        for (let i = 0; i < want.length; i++) diff |= want[i]! ^ given[i]!;
        if (diff === 0) found = scope;
      }
      if (found) c.set("scope", found);
      return found !== undefined;
    },
  });
}
