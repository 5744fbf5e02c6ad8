/**
 * Which migration a checkpoint belongs to: a fingerprint of the parsed From and To configs
 * (secrets hashed into it, never kept in the clear) and a description of each with its secrets
 * masked, so a resume into other stores is refused with a message that says which.
 *
 * @module
 */
import { parseStoreConfig } from "../config.ts";
import type { StoreConfig } from "../config-types.ts";
import type { JsonValue } from "../types.ts";
import { canonicalJson } from "./canonical.ts";

/** The From and To a checkpoint was written for. */
export interface MigrationIdentity {
  /** From's config, secrets masked as `***`. */
  from: string;
  /** To's config, secrets masked as `***`. */
  to: string;
  /**
   * SHA-256 (hex) of both parsed configs in canonical form, each secret replaced by a slow hash
   * of it (PBKDF2, so the checkpoint file does not make guessing a weak secret cheap).
   */
  fingerprint: string;
}

/** Config keys that hold secrets. */
const SECRET_KEYS = new Set(["aws_secret_access_key", "aws_session_token", "authToken", "token"]);
/** Config keys that hold URLs, whose password part is a secret. */
const URL_KEYS = new Set(["url", "connectionString", "endpoint_url"]);

/**
 * The identity of a migration from `from` to `to` (both parsed and defaults filled in first, so
 * `{"Type":"IndexedDB"}` and `{"Type":"IndexedDB","dbName":"objstore"}` are the same store).
 *
 * @example
 * ```ts
 * const identity = await migrationIdentity({ Type: "LibSQL", url: "file:old.db" }, { Type: "LibSQL", url: "file:new.db" });
 * identity.from; // '{"Type":"LibSQL","url":"file:old.db"}'
 * ```
 */
export async function migrationIdentity(from: StoreConfig, to: StoreConfig): Promise<MigrationIdentity> {
  const parsed = [parseStoreConfig(from), parseStoreConfig(to)];
  const hashed = await Promise.all(parsed.map((c) => transform(c, slowHash)));
  const masked = await Promise.all(parsed.map((c) => transform(c, async () => "***")));
  return { from: canonicalJson(masked[0] as JsonValue), to: canonicalJson(masked[1] as JsonValue), fingerprint: await sha256(canonicalJson(hashed as JsonValue)) };
}

/** A copy of `value` with every secret (and URL password) replaced by `replace(secret)`. */
async function transform(value: unknown, replace: (secret: string) => Promise<string>, key = ""): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => transform(v, replace)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = await transform(v, replace, k);
    return out;
  }
  if (typeof value !== "string") return value;
  if (SECRET_KEYS.has(key)) return replace(value);
  if (URL_KEYS.has(key)) {
    const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*:)([^/?#@]*)(@.*)$/i.exec(value);
    if (match) return `${match[1]}${await replace(match[2]!)}${match[3]}`;
  }
  return value;
}

/** PBKDF2-SHA256 of a secret (100,000 rounds, fixed salt: the same secret gives the same fingerprint). */
async function slowHash(secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveBits"]);
  const salt = new TextEncoder().encode("objstore migrate checkpoint");
  return hex(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 100_000 }, key, 256));
}

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function hex(buffer: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, "0");
  return out;
}
