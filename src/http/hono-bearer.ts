/**
 * Server apps read the bearer header through `hono/bearer-auth` (its parsing, with our token
 * digests as `verifyToken`). `@objstore/objstore/http` imports this module outside Workers and
 * browsers; their bundles keep `readBearer` (src/http/auth.ts), which parses the same way in
 * ~1 KB gzip less.
 *
 * @module
 */
import { bearerAuth } from "hono/bearer-auth";
import { type BearerReader, useBearerReader } from "./auth.ts";

/**
 * `hono/bearer-auth` as the guard's header reader: a missing header, a malformed one and an
 * unknown token all end in `fail`, so every refusal is the app's 401 JSON error.
 *
 * @example
 * ```ts
 * useBearerReader(honoBearer);
 * ```
 */
export const honoBearer: BearerReader = (verify, fail) =>
  bearerAuth({
    realm: "objstore",
    noAuthenticationHeader: { message: () => fail(undefined) },
    invalidAuthenticationHeader: { message: (c) => fail(c.req.header("Authorization")) },
    invalidToken: { message: (c) => fail(c.req.header("Authorization")) },
    verifyToken: verify,
  });

useBearerReader(honoBearer);
