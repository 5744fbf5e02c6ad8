/**
 * The DynamoDB JSON API over signed `fetch`: each call is one SigV4-signed POST (aws4fetch)
 * with `X-Amz-Target: DynamoDB_20120810.<Operation>`. Retries live here, because aws4fetch
 * only retries 5xx/429 while DynamoDB throttles with HTTP 400.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import { BackendError } from "../../errors.ts";
import { anySignal } from "../../signal.ts";

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
 * An error answer of DynamoDB: `code` is the exception name (`ConditionalCheckFailedException`);
 * test it with {@link isCode}. (A plain `Error` with two fields, not a class: it never leaves the
 * driver except as the `cause` of a store error.)
 */
export interface DynamoError extends Error {
  readonly code: string;
  /** The parsed error body (e.g. `CancellationReasons`, `Item`). */
  readonly body: Record<string, any>;
}

/** The error of a non-2xx answer. */
function dynamoError(status: number, text: string): DynamoError {
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // not JSON (a proxy's error page): the status says it all
  }
  const code = String(body.__type ?? `HTTP${status}`).replace(/.*#/, "");
  return Object.assign(new Error(`${code}: ${body.message ?? body.Message ?? ""}`), { code, body });
}

/**
 * Error codes (and transaction cancellation reasons) that mean "not applied, try again":
 * throttling, and contention with another transaction.
 */
export const RETRYABLE = /^(Throttling|ProvisionedThroughputExceeded|(Request)?LimitExceeded|Transaction(InProgress|Conflict))/;

/**
 * True when `e` is a DynamoDB answer with this code.
 *
 * @example
 * ```ts
 * catch (e) { if (isCode(e, "ResourceNotFoundException")) return undefined; throw e; }
 * ```
 */
export const isCode = (e: unknown, code: string): e is DynamoError => (e as DynamoError)?.code === code;

/** What {@link DynamoClient.call} reports besides the answer (and the caller's signal). */
export interface CallInfo {
  /** True when an earlier attempt may have reached the server and been applied. */
  uncertain?: boolean;
  /** Stops the call (the request and any retry), which then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A DynamoDB JSON API client. */
export interface DynamoClient {
  /** Calls `operation` with retries; throws {@link DynamoError} (not retryable) or BACKEND_UNAVAILABLE (retries spent). */
  call<T = Record<string, any>>(operation: string, input: unknown, info?: CallInfo): Promise<T>;
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
  const { attempts = 10, baseMs = 25, capMs = 2000, timeoutMs = 30_000 } = options.retry ?? {};
  // Called as a plain function: workerd's fetch throws "Illegal invocation" when called as a method of another object.
  const send = options.fetch;
  const cache = new Map<string, ArrayBuffer>();
  const backoff = (attempt: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(capMs, baseMs * 2 ** attempt)));

  return {
    attempts,
    backoff,
    async call(operation, input, info = {}) {
      const body = JSON.stringify(input);
      const { signal } = info;
      for (let attempt = 1; ; attempt++) {
        signal?.throwIfAborted();
        let failure: Error;
        try {
          const signed = await new AwsV4Signer({
            ...options,
            url: options.endpoint,
            method: "POST",
            headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `DynamoDB_20120810.${operation}` },
            body,
            service: "dynamodb",
            cache,
          }).sign();
          const response = await send(signed.url, { method: "POST", headers: signed.headers, body, signal: anySignal([signal, AbortSignal.timeout(timeoutMs)]) });
          const text = await response.text();
          if (response.ok) return text ? JSON.parse(text) : {};
          const error = dynamoError(response.status, text);
          // A 5xx may have been applied; throttling (a 400 or 429) never was, and another 4xx is the answer.
          if (response.status > 499) info.uncertain = true;
          else if (response.status != 429 && !RETRYABLE.test(error.code)) return Promise.reject(error); // not caught below
          failure = error;
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          // The request may have reached the server before the connection failed. Keep the
          // error's name and message only: the request it may carry holds signatures.
          failure = new Error(String(e));
          info.uncertain = true;
        }
        if (attempt >= attempts) {
          throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB ${operation} failed after ${attempt} attempts (${failure.message})`, { cause: failure });
        }
        await backoff(attempt - 1);
      }
    },
  };
}
