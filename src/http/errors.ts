/**
 * Errors on the wire (docs/http.md): `{"error":{"code","message"}}` with the status for each code,
 * and the way back from a response to the library's error classes (used by the Remote driver).
 *
 * @module
 */
import {
  BackendError,
  InvalidInputError,
  ObjectExistsError,
  ObjectMissingError,
  ObjectStoreError,
  type ObjectStoreErrorCode,
  WrongObjectVersionError,
} from "../errors.ts";

/** The JSON body of every error response. `index`/`current` only on commit conflicts. */
export interface ErrorBody {
  /** The error: its code, message and, for a transaction, the failing write's index and the current version. */
  error: { code: string; message: string; index?: number; current?: string | null };
}

/**
 * An error that is only a response: a status, a code and a message (no library class).
 *
 * @example
 * ```ts
 * throw new HttpError(401, "UNAUTHORIZED", "Missing bearer token");
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The error code (an `ObjectStoreError` code, or an HTTP-level one). */
  readonly code: string;
  /** Headers the response carries (`Allow` on a 405, `ETag` on a 412). */
  readonly headers: Record<string, string>;
  /** Creates an HTTP error with its status, code, message and extra response headers. */
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.name = "HttpError";
  }
}

const STATUS: Partial<Record<ObjectStoreErrorCode, number>> = {
  INVALID_OBJECT_TYPE: 400,
  INVALID_KEY: 400,
  INVALID_VALUE: 400,
  INVALID_ARGUMENT: 400,
  OBJECT_MISSING: 404,
  OBJECT_EXISTS: 409,
  WRONG_OBJECT_VERSION: 412,
  TRANSACTION_TOO_LARGE: 413,
  BACKEND_UNAVAILABLE: 503,
  CLOSED: 503,
};

/**
 * The status and body for any thrown value. Library errors keep their code and message (they
 * never hold secrets or internals); anything else is a bare 500.
 *
 * @example
 * ```ts
 * errorResponse(new ObjectMissingError("no such object")); // { status: 404, body: {...} }
 * ```
 */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof HttpError) return { status: e.status, body: { error: { code: e.code, message: e.message } } };
  if (e instanceof ObjectStoreError) {
    return { status: STATUS[e.code] ?? 500, body: { error: { code: e.code, message: e.message } } };
  }
  return { status: 500, body: { error: { code: "INTERNAL_ERROR", message: "Internal server error" } } };
}

const INPUT_CODES = new Set(["INVALID_OBJECT_TYPE", "INVALID_KEY", "INVALID_VALUE", "INVALID_ARGUMENT"]);

/**
 * The library error for an error response: the same class and code the server's store threw,
 * so a Remote store fails like a local one. Unknown codes become `BACKEND_ERROR`.
 *
 * @example
 * ```ts
 * throw errorFromResponse(412, { error: { code: "WRONG_OBJECT_VERSION", message: "..." } });
 * ```
 */
export function errorFromResponse(status: number, body: unknown): ObjectStoreError {
  const error = (body as Partial<ErrorBody> | null)?.error;
  const code = typeof error?.code === "string" ? error.code : undefined;
  const message = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  switch (code) {
    case "WRONG_OBJECT_VERSION":
      return new WrongObjectVersionError(message);
    case "OBJECT_EXISTS":
      return new ObjectExistsError(message);
    case "OBJECT_MISSING":
      return new ObjectMissingError(message);
    case "BACKEND_UNAVAILABLE":
      return new BackendError("BACKEND_UNAVAILABLE", `Remote: ${message}`);
    case "TRANSACTION_TOO_LARGE":
    case "PAYLOAD_TOO_LARGE":
      return new ObjectStoreError("TRANSACTION_TOO_LARGE", `Remote: ${message}`);
    case "CLOSED":
      return new BackendError("BACKEND_UNAVAILABLE", `Remote: the server's store is closed`);
  }
  if (code !== undefined && INPUT_CODES.has(code)) {
    return new InvalidInputError(code as "INVALID_ARGUMENT", message);
  }
  if (status === 401) return new BackendError("BACKEND_ERROR", `Remote: unauthorized (${message})`);
  if (status === 403) return new BackendError("BACKEND_ERROR", `Remote: forbidden (${message})`);
  return new BackendError("BACKEND_ERROR", `Remote: HTTP ${status} ${code ?? ""} ${message}`.replace(/\s+/g, " ").trim());
}
