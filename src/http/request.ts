/**
 * Reading requests: object paths (percent-decoded by hand, so an encoded `/` stays inside its
 * key), listing parameters (valibot) and bodies under a size limit.
 *
 * @module
 */
import * as v from "./schema-kit.ts";
import { InvalidInputError } from "../errors.ts";
import type { PageParams } from "../types.ts";
import { HttpError } from "./errors.ts";
import { PAGE_QUERY, TYPES_QUERY } from "./schemas.ts";

/**
 * The path and query of a request URL, still percent-encoded (a relative reference, as for
 * `Location`).
 *
 * @example
 * ```ts
 * pathAndQuery("http://h/api/object?type=T&key=k#x"); // "/api/object?type=T&key=k"
 * ```
 */
export function pathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const hash = url.indexOf("#", start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}

/**
 * The raw (still percent-encoded) path of a request URL.
 *
 * @example
 * ```ts
 * rawPath("http://h/api/objects/T/a%2Fb?x=1"); // "/api/objects/T/a%2Fb"
 * ```
 */
export function rawPath(url: string): string {
  const path = pathAndQuery(url);
  const query = path.indexOf("?");
  return query < 0 ? path : path.slice(0, query);
}

/**
 * Splits what follows `/api/objects/` into the type and, when present, the key: the first
 * segment is the type, the rest (joined by `/`, for clients that leave `/` unencoded) the key.
 *
 * @example
 * ```ts
 * objectPath("http://h/api/objects/T/a%2Fb", "/api/objects/"); // { type: "T", key: "a/b" }
 * ```
 */
export function objectPath(url: string, prefix: string): { type: string; key?: string } {
  const path = rawPath(url);
  const at = path.indexOf(prefix);
  const rest = at < 0 ? "" : path.slice(at + prefix.length);
  const slash = rest.indexOf("/");
  if (slash < 0) return { type: decode(rest, "INVALID_OBJECT_TYPE", "object type") };
  return {
    type: decode(rest.slice(0, slash), "INVALID_OBJECT_TYPE", "object type"),
    key: decode(rest.slice(slash + 1), "INVALID_KEY", "key"),
  };
}

function decode(segment: string, code: "INVALID_OBJECT_TYPE" | "INVALID_KEY", what: string): string {
  if (!segment.includes("%")) return segment; // nothing to decode (the common case, and cheaper)
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidInputError(code, `Invalid ${what}: bad percent-encoding in the URL`);
  }
}

const PAGE_NAMES = ["offset", "pagesize", "query", "sort", "cursor", "total"] as const;

/**
 * The listing parameters of `GET /api/objects/:type`. A repeated or malformed `offset` /
 * `pagesize` / `total` (`true` or `false`) is `INVALID_ARGUMENT` naming the parameter; `sort`, `query` and `cursor` are
 * checked by the store with the same code. Unknown parameters are ignored.
 *
 * @example
 * ```ts
 * pageParams(new URLSearchParams("offset=2&sort=age:desc")); // { offset: 2, sort: "age:desc" }
 * ```
 */
export function pageParams(search: URLSearchParams): PageParams {
  const input: Record<string, string> = {};
  for (const name of PAGE_NAMES) {
    const values = search.getAll(name);
    if (values.length > 1) throw badArgument(`Invalid ${name}: given ${values.length} times`);
    if (values.length === 1) input[name] = values[0]!;
  }
  const result = v.safeParse(PAGE_QUERY, input);
  if (result.success) {
    const { offset, pagesize, total, ...rest } = result.output;
    const params: PageParams = rest;
    if (offset !== undefined) params.offset = Number(offset);
    if (pagesize !== undefined) params.pagesize = Number(pagesize);
    if (total !== undefined) params.total = total === "true";
    return params;
  }
  const issue = result.issues[0];
  const name = String(issue.path?.[0]?.key ?? "parameter");
  throw badArgument(`Invalid ${name}: ${issue.message}, got ${JSON.stringify(input[name] ?? "").slice(0, 40)}`);
}

/**
 * The `all` parameter of `GET /api/types`: true (`1` or `true`) lists every stored name the
 * request may reach (tenants' types and indexes included), not only the plain types. Given
 * twice or another value is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * typesParams(new URLSearchParams("all=1")); // true
 * ```
 */
export function typesParams(search: URLSearchParams): boolean {
  const values = search.getAll("all");
  if (values.length > 1) throw badArgument(`Invalid all: given ${values.length} times`);
  const result = v.safeParse(TYPES_QUERY, { all: values[0] });
  if (!result.success) throw badArgument(`Invalid all: ${result.issues[0].message}, got ${JSON.stringify(values[0] ?? "").slice(0, 40)}`);
  return result.output.all === "1" || result.output.all === "true";
}

/**
 * Reads a body as text, failing with 413 past `limit` bytes (by `Content-Length` first, then
 * while streaming, so a huge body is never held in memory).
 *
 * @example
 * ```ts
 * const text = await readBody(request, 1024 * 1024); // HttpError 413 past 1 MB
 * ```
 */
export async function readBody(request: Request, limit: number): Promise<string> {
  const header = request.headers.get("content-length");
  const length = header !== null && /^\s*\d{1,15}\s*$/.test(header) ? Number(header) : null;
  if (length !== null && length > limit) throw tooLarge(limit);
  // With a (checked) length the runtime reads the body in one go, without a stream (Hono's Node
  // adapter reads it straight from the socket unless `request.body` is touched; the listener's
  // `bytes` skips the copy its `arrayBuffer()` makes).
  if (length !== null) {
    const hooks = (request as Request & { [LISTENER]?: ListenerHooks })[LISTENER];
    return decodeUtf8(hooks ? await hooks.bytes() : new Uint8Array(await request.arrayBuffer()), limit);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: BlobPart[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value as Uint8Array<ArrayBuffer>);
  }
  return decodeUtf8(new Uint8Array(await new Blob(chunks).arrayBuffer()), limit);
}

// ignoreBOM: the body is taken as sent; a leading U+FEFF is not JSON (RFC 8259 §8.1) and is refused.
// One decoder serves every request: a decode without `stream` starts from a clean state.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array, limit: number): string {
  if (bytes.byteLength > limit) throw tooLarge(limit);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidInputError("INVALID_VALUE", "Invalid body: not UTF-8 text");
  }
}

/**
 * What a listener can answer about a request more cheaply than the Request API, put under
 * {@link LISTENER} of the request (the Node listener: there `request.signal` costs an
 * AbortController and a listener per request, and `arrayBuffer()` copies the body once more).
 */
export interface ListenerHooks {
  /** Whether the client is gone (what an aborted `request.signal` would say). */
  gone(): boolean;
  /** The whole body, read once (as `arrayBuffer()` would, without its copy). */
  bytes(): Promise<Uint8Array>;
}

/** The key of a request's {@link ListenerHooks}. */
export const LISTENER: unique symbol = Symbol.for("objstore.listener");

/**
 * Throws when the client is gone (the request's signal aborted, or the listener's
 * {@link ListenerHooks} say so) before a write is applied: its answer could never be delivered,
 * so nothing is written. Bun closes a connection at once when malformed bytes follow a request
 * on it, even while that request's response is pending.
 *
 * @example
 * ```ts
 * checkConnected(request); // then apply the write
 * ```
 */
export function checkConnected(request: Request): void {
  const hooks = (request as Request & { [LISTENER]?: ListenerHooks })[LISTENER];
  if (hooks ? hooks.gone() : request.signal?.aborted) {
    throw new HttpError(400, "CLIENT_GONE", "The connection closed before the write was applied; nothing was written");
  }
}

/**
 * Parses a JSON body; an empty or malformed body is `INVALID_VALUE`.
 *
 * @example
 * ```ts
 * parseJson("{\"a\":1}"); // { a: 1 }
 * ```
 */
export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new InvalidInputError("INVALID_VALUE", "Invalid body: expected JSON, got an empty body");
  // Nesting past MAX_DEPTH takes more than MAX_DEPTH characters, so short bodies need no scan.
  if (text.length > MAX_DEPTH && nestingDepth(text) > MAX_DEPTH) {
    throw new InvalidInputError("INVALID_VALUE", `Invalid body: JSON nested deeper than ${MAX_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    const bom = text.startsWith("\uFEFF") ? " (it starts with a byte order mark, U+FEFF)" : "";
    throw new InvalidInputError("INVALID_VALUE", `Invalid body: not valid JSON${bom}`);
  }
}

/** Deepest JSON nesting a body may have: deeper values would exhaust the stack of the walks over them. */
const MAX_DEPTH = 512;

/** The deepest `[`/`{` nesting of JSON text (strings skipped), stopping early past MAX_DEPTH. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > deepest && (deepest = depth) > MAX_DEPTH) return deepest;
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `Body too large: at most ${limit} bytes`);
}

function badArgument(message: string): InvalidInputError {
  return new InvalidInputError("INVALID_ARGUMENT", message);
}
