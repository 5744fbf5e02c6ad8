/**
 * The DynamoDB JSON API over signed `fetch`: each call is one SigV4-signed POST (aws4fetch)
 * with `X-Amz-Target: DynamoDB_20120810.<Operation>`. Retries live here, because aws4fetch
 * only retries 5xx/429 while DynamoDB throttles with HTTP 400.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import { BackendError } from "../../errors.ts";

/** Credentials, region and endpoint of a DynamoDB client. Secrets never leave the signer. */
export interface DynamoClientOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  /** Full endpoint URL, e.g. `https://dynamodb.eu-west-2.amazonaws.com` or `http://127.0.0.1:8000`. */
  endpoint: string;
  /** The `fetch` every request goes through. */
  fetch: typeof fetch;
  retry?: RetryPolicy;
}

/** How failed calls are retried: full-jitter exponential backoff, capped. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 10 */
  attempts?: number;
  /** Backoff base in ms. @default 25 */
  baseMs?: number;
  /** Largest single wait in ms. @default 2000 */
  capMs?: number;
  /** An attempt without an answer after this many ms is abandoned (and retried). @default 30000 */
  timeoutMs?: number;
}

/**
 * An error answer of DynamoDB: `code` is the exception name (`ConditionalCheckFailedException`).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof DynamoError && e.code === "ResourceNotFoundException") return undefined; }
 * ```
 */
export class DynamoError extends Error {
  readonly code: string;
  readonly status: number;
  /** The parsed error body (e.g. `CancellationReasons`, `Item`). */
  readonly body: Record<string, unknown>;

  constructor(code: string, status: number, message: string, body: Record<string, unknown>) {
    super(`${code}: ${message}`);
    this.code = code;
    this.status = status;
    this.body = body;
    this.name = "DynamoError";
  }
}

/** Answers that mean "try again": the request was not applied. */
const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "TransactionInProgressException",
]);

/**
 * Whether a DynamoDB error is worth another attempt.
 *
 * @example
 * ```ts
 * isRetryable(new DynamoError("ThrottlingException", 400, "Rate exceeded", {})); // true
 * ```
 */
export function isRetryable(e: DynamoError): boolean {
  return e.status >= 500 || e.status === 429 || THROTTLING.has(e.code);
}

/** What {@link DynamoClient.call} reports besides the answer. */
export interface CallInfo {
  /** Attempts made before the answer (1 = first try). */
  attempts: number;
  /** True when an earlier attempt may have reached the server and been applied. */
  uncertain: boolean;
}

/** A DynamoDB JSON API client. */
export interface DynamoClient {
  /** Calls `operation` with retries; throws {@link DynamoError} (not retryable, or retries spent) or BACKEND_UNAVAILABLE. */
  call<T = Record<string, unknown>>(operation: string, input: unknown, info?: CallInfo): Promise<T>;
  /** Waits a backoff step (for callers retrying on their own, e.g. transaction conflicts). */
  backoff(attempt: number): Promise<void>;
  readonly attempts: number;
}

/**
 * Creates a client that signs every call with aws4fetch and retries throttling, 5xx and
 * network failures with capped, jittered backoff.
 *
 * @example
 * ```ts
 * const client = dynamoClient({ accessKeyId: "A", secretAccessKey: "S", region: "eu-west-2",
 *   endpoint: "http://127.0.0.1:8000", fetch: globalThis.fetch });
 * await client.call("ListTables", {});
 * ```
 */
export function dynamoClient(options: DynamoClientOptions): DynamoClient {
  const { accessKeyId, secretAccessKey, sessionToken, region } = options;
  const doFetch = options.fetch;
  const url = options.endpoint;
  const attempts = Math.max(1, options.retry?.attempts ?? 10);
  const baseMs = options.retry?.baseMs ?? 25;
  const capMs = options.retry?.capMs ?? 2000;
  const timeoutMs = options.retry?.timeoutMs ?? 30_000;
  const cache = new Map<string, ArrayBuffer>();

  const backoff = (attempt: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(capMs, baseMs * 2 ** attempt)));

  const once = async (operation: string, body: string): Promise<Response> => {
    const signer = new AwsV4Signer({
      method: "POST",
      url,
      headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `DynamoDB_20120810.${operation}` },
      body,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      service: "dynamodb",
      region,
      cache,
    });
    const signed = await signer.sign();
    return await doFetch(signed.url.toString(), {
      method: signed.method,
      headers: signed.headers,
      body: signed.body ?? null,
      signal: AbortSignal.timeout(timeoutMs),
    });
  };

  return {
    attempts,
    backoff,
    async call<T>(operation: string, input: unknown, info?: CallInfo): Promise<T> {
      const body = JSON.stringify(input);
      let uncertain = false;
      for (let attempt = 0; ; attempt++) {
        if (info) (info.attempts = attempt + 1), (info.uncertain = uncertain);
        let response: Response;
        let text: string;
        try {
          response = await once(operation, body);
          text = await response.text();
        } catch (cause) {
          // The request may have reached the server before the connection failed.
          uncertain = true;
          if (attempt + 1 < attempts) {
            await backoff(attempt);
            continue;
          }
          throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB ${operation} failed: the endpoint could not be reached`, { cause: networkCause(cause) });
        }
        if (response.ok) return (text === "" ? {} : JSON.parse(text)) as T;
        const error = toDynamoError(response.status, text);
        if (isRetryable(error) && attempt + 1 < attempts) {
          // A 5xx may have been applied; a throttling 400 never was.
          if (error.status >= 500) uncertain = true;
          await backoff(attempt);
          continue;
        }
        if (isRetryable(error)) {
          throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB ${operation} failed after ${attempts} attempts (${error.code})`, { cause: error });
        }
        throw error;
      }
    },
  };
}

function toDynamoError(status: number, text: string): DynamoError {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's error page): keep the status only
  }
  const type = typeof body.__type === "string" ? body.__type : `HTTP${status}`;
  const code = type.slice(type.lastIndexOf("#") + 1);
  const message = typeof body.message === "string" ? body.message : typeof body.Message === "string" ? body.Message : `HTTP ${status}`;
  return new DynamoError(code, status, message, body);
}

/** Keeps a network error's name and message only (never the request, which carries signatures). */
function networkCause(cause: unknown): Error {
  if (cause instanceof Error) {
    const copy = new Error(cause.message);
    copy.name = cause.name;
    return copy;
  }
  return new Error(String(cause));
}
