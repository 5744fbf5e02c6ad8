/**
 * Bearer tokens with scopes: `read` (reads only), `write` (every ordinary route) and
 * `replicate` (also record-level writes kept verbatim), each optionally bound to one tenant
 * (the token then sees only that tenant's store). Tokens are held as SHA-256 digests and
 * compared in constant time. The `Authorization` header is read by `hono/bearer-auth` on
 * servers (`./hono-bearer.ts`, which `@objstore/objstore/http` imports) and, in Worker and
 * browser bundles, by `readBearer` below: the same parsing in ~1 KB gzip less.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { InvalidInputError } from "../errors.ts";
import { checkTenantName } from "../tenants.ts";
import { HttpError } from "./errors.ts";

/** What a token may do: read, read and write, or also write records verbatim (replication). */
export type Scope = "read" | "write" | "replicate";

/** A token and its scope. */
export interface TokenGrant {
  /** The bearer token (`Authorization: Bearer <token>`). */
  token: string;
  /** What requests with it may do. */
  scope: Scope;
  /**
   * The tenant it is bound to: its requests see only that tenant's store (`store.forTenant`),
   * with the tenant's types under their plain names. @default undefined (the whole store)
   */
  tenant?: string;
}

/** What the `/api/*` guard records for a request: its token's scope and tenant. */
export interface TokenVariables {
  /** The scope of the request's token. */
  scope: Scope;
  /** The tenant the token is bound to, if any. */
  tenant?: string;
}

const SCOPES: readonly Scope[] = ["read", "write", "replicate"];
/** RFC 6750 `b64token`, the characters a bearer token may have. */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;
const encoder = new TextEncoder();

/**
 * Parses the `API_TOKENS` format: comma-separated `token[:scope][@tenant]` entries, scope one of
 * `read`, `write`, `replicate` (a token without `:scope` is `write`), `@tenant` binding the token
 * to that tenant (percent-encoded: `%2C` for a comma, `%25` for `%`). Whitespace around entries
 * is ignored.
 *
 * @example
 * ```ts
 * parseTokens("r3ad:read, wr1te:write@acme"); // [{ token: "r3ad", scope: "read" }, { token: "wr1te", scope: "write", tenant: "acme" }]
 * ```
 */
export function parseTokens(text: string): TokenGrant[] {
  const grants: TokenGrant[] = [];
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const n = grants.length + 1;
    // A token has no "@" or ":" (RFC 6750 text), so the first "@" starts the tenant.
    const at = entry.indexOf("@");
    const head = at < 0 ? entry : entry.slice(0, at);
    const colon = head.lastIndexOf(":");
    const scope = colon < 0 ? "write" : head.slice(colon + 1);
    if (!SCOPES.includes(scope as Scope)) {
      throw new InvalidInputError("INVALID_ARGUMENT", `Invalid API_TOKENS entry ${n}: scope must be read, write or replicate`);
    }
    const grant: TokenGrant = { token: colon < 0 ? head : head.slice(0, colon), scope: scope as Scope };
    if (at >= 0) {
      try {
        grant.tenant = decodeURIComponent(entry.slice(at + 1));
      } catch {
        throw new InvalidInputError("INVALID_ARGUMENT", `Invalid API_TOKENS entry ${n}: bad percent-encoding in the tenant name`);
      }
    }
    grants.push(grant);
  }
  return grants;
}

/**
 * Checks grants; returns them or throws a message that never quotes a token. A token given
 * twice with different tenants is refused (which tenant it sees would be a guess).
 */
function checkGrants(grants: readonly TokenGrant[]): readonly TokenGrant[] {
  const tenants = new Map<string, string | undefined>();
  grants.forEach((g, i) => {
    if (typeof g?.token !== "string" || !TOKEN.test(g.token)) {
      throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: expected a non-empty string of letters, digits and -._~+/ (RFC 6750)`);
    }
    if (!SCOPES.includes(g.scope)) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: scope must be read, write or replicate`);
    if (g.tenant !== undefined) {
      try {
        checkTenantName(g.tenant);
      } catch (e) {
        throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: ${(e as Error).message}`);
      }
    }
    if (tenants.has(g.token) && tenants.get(g.token) !== g.tenant) {
      throw new InvalidInputError("INVALID_ARGUMENT", `Invalid token ${i + 1}: the same token is given with another tenant (or none) before`);
    }
    tenants.set(g.token, g.tenant);
  });
  return grants;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * What reads `Authorization: Bearer <token>` for the `/api/*` guard: given `verify` (true when the
 * token is known; it records the token's scope and tenant on the context) and `fail` (throws the
 * 401 for a missing or refused header), the middleware.
 */
export type BearerReader = (
  verify: (token: string, c: Context<{ Variables: TokenVariables }>) => Promise<boolean>,
  fail: (header: string | undefined) => never,
) => MiddlewareHandler<{ Variables: TokenVariables }>;

/**
 * Reads the header as `hono/bearer-auth` does (the scheme in any case, then spaces, then an
 * RFC 6750 token, then optional spaces), without its own token comparison and SHA-256 helpers,
 * which `verify` makes unused weight: the reader of Worker and browser bundles.
 * test/http-guards.test.ts compares the two header by header.
 *
 * @example
 * ```ts
 * useBearerReader(readBearer);
 * ```
 */
export const readBearer: BearerReader = (verify, fail) => async (c, next) => {
  const header = c.req.header("Authorization");
  const token = header && header.slice(0, 7).toLowerCase() === "bearer " ? header.slice(7).trimStart() : "";
  if (!TOKEN.test(token) || !(await verify(token, c))) fail(header);
  await next();
};

let reader: BearerReader = readBearer;

/**
 * Makes apps created from now on read the bearer header with `next` (what `./hono-bearer.ts`
 * does with `hono/bearer-auth`).
 *
 * @example
 * ```ts
 * useBearerReader(readBearer);
 * ```
 */
export function useBearerReader(next: BearerReader): void {
  reader = next;
}

/**
 * The `/api/*` guard: compares the digest of the presented token with every configured digest
 * (no early exit) and records the scope and tenant found as the context variables `scope` and
 * `tenant`. Failures are 401 JSON errors (the app's error handler adds `WWW-Authenticate`).
 *
 * @example
 * ```ts
 * app.use("/api/*", tokenAuth([{ token: "s3cret", scope: "write" }]));
 * ```
 */
export function tokenAuth(grants: readonly TokenGrant[]): MiddlewareHandler<{ Variables: TokenVariables }> {
  const held = Promise.all(checkGrants(grants).map(async (g) => ({ digest: await digest(g.token), grant: g })));
  return reader(
    async (token, c) => {
      const given = await digest(token);
      let found: TokenGrant | undefined;
      for (const { digest: want, grant } of await held) {
        let diff = 0;
        for (let i = 0; i < want.length; i++) diff |= want[i]! ^ given[i]!;
        if (diff === 0) found = grant;
      }
      if (!found) return false;
      c.set("scope", found.scope);
      if (found.tenant !== undefined) c.set("tenant", found.tenant);
      return true;
    },
    (header) => {
      throw new HttpError(401, "UNAUTHORIZED", header ? "Invalid bearer token" : "Missing bearer token (Authorization: Bearer <token>)");
    },
  );
}
