/**
 * A `fetch` for DynamoDB tests that records every request (its `X-Amz-Target` operation) and
 * can inject faults: throttling 400s, 500s and dropped connections, before or after the
 * request reached the server.
 *
 * @example
 * ```ts
 * const net = recordingFetch();
 * net.fault = (op) => (op === "PutItem" ? "drop-after" : undefined);
 * const store = createObjectStoreInstance(config, { fetch: net.fetch });
 * ```
 * @module
 */

/** What happens to one request. */
export type Fault =
  /** Not sent; DynamoDB's throttling answer (HTTP 400 ProvisionedThroughputExceededException). */
  | "throttle"
  /** Not sent; HTTP 400 ThrottlingException. */
  | "throttle-2"
  /** Not sent; HTTP 500. */
  | "500-before"
  /** Sent and applied, but the answer is replaced by an HTTP 500. */
  | "500-after"
  /** Not sent; the connection fails. */
  | "drop-before"
  /** Sent and applied, then the connection fails before the answer arrives. */
  | "drop-after";

/** A recording, fault-injecting fetch. */
export interface RecordingFetch {
  fetch: typeof fetch;
  /** Operations sent, in order (faulted ones included, with the fault). */
  log: { op: string; url: string; body: string; fault?: Fault }[];
  /** Decides the fault of each request (`n`: how many requests of this op came before). */
  fault: (op: string, n: number, body: string) => Fault | undefined;
  /** Requests of `op` so far (or of every op). */
  count(op?: string): number;
  reset(): void;
}

/** Creates a {@link RecordingFetch} over `inner` (default: the global fetch). */
export function recordingFetch(inner: typeof fetch = globalThis.fetch): RecordingFetch {
  const seen = new Map<string, number>();
  const net: RecordingFetch = {
    log: [],
    fault: () => undefined,
    count: (op) => (op === undefined ? net.log.length : net.log.filter((e) => e.op === op).length),
    reset() {
      net.log = [];
      seen.clear();
    },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const target = request.headers.get("x-amz-target") ?? "";
      const op = target.slice(target.indexOf(".") + 1);
      const body = await request.clone().text();
      const n = seen.get(op) ?? 0;
      seen.set(op, n + 1);
      const fault = net.fault(op, n, body);
      net.log.push({ op, url: request.url, body, fault });
      if (fault === "throttle") return dynamoError(400, "ProvisionedThroughputExceededException", "Rate of requests exceeds the allowed throughput.");
      if (fault === "throttle-2") return dynamoError(400, "ThrottlingException", "Rate exceeded");
      if (fault === "500-before") return dynamoError(500, "InternalServerError", "Internal server error");
      if (fault === "drop-before") throw new TypeError("fetch failed: connection reset (injected)");
      const response = await inner(request);
      if (fault === "500-after") {
        await response.arrayBuffer();
        return dynamoError(500, "InternalServerError", "Internal server error");
      }
      if (fault === "drop-after") {
        await response.arrayBuffer();
        throw new TypeError("fetch failed: connection reset after the request was sent (injected)");
      }
      return response;
    }) as typeof fetch,
  };
  return net;
}

function dynamoError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }), {
    status,
    headers: { "Content-Type": "application/x-amz-json-1.0" },
  });
}
