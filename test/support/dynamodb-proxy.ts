/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local, on 127.0.0.1 and a free port: every
 * request is forwarded and answered, unless `afterApply` says "drop": then DynamoDB has applied
 * the request, and the client's connection is destroyed instead of answered (a connection reset
 * after the write happened). `afterApply` may first let another writer commit.
 *
 * @example
 * ```ts
 * const proxy = await startDynamoProxy(local.endpoint());
 * proxy.afterApply = async (op) => (op === "TransactWriteItems" ? (await other.save("T", "k", 1), "drop") : "answer");
 * const store = createObjectStoreInstance(dynamoConfig(proxy.endpoint));
 * ```
 * @module
 */
import { createServer, type IncomingMessage } from "node:http";

/** What the proxy does with DynamoDB's answer. */
export type Verdict = "answer" | "drop";

/** A running proxy. */
export interface DynamoProxy {
  endpoint: string;
  /** Decides, once DynamoDB has answered `op`, whether the client gets the answer. */
  afterApply: (op: string, body: string) => Verdict | Promise<Verdict>;
  /** Operations forwarded, in order, with their verdicts. */
  log: { op: string; body: string; verdict: Verdict }[];
  stop(): Promise<void>;
}

const read = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (text += chunk));
    request.on("end", () => resolve(text));
    request.on("error", reject);
  });

/** Starts a proxy forwarding to `target` (e.g. DynamoDB Local's endpoint). */
export function startDynamoProxy(target: string): Promise<DynamoProxy> {
  const server = createServer(async (request, response) => {
    try {
      const body = await read(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && name !== "host" && name !== "connection" && name !== "content-length") headers[name] = value;
      }
      const answer = await fetch(target + (request.url ?? "/"), { method: request.method, headers, body: request.method === "POST" ? body : undefined });
      const text = await answer.text();
      const operation = String(request.headers["x-amz-target"] ?? "");
      const op = operation.slice(operation.indexOf(".") + 1);
      const verdict = await proxy.afterApply(op, body);
      proxy.log.push({ op, body, verdict });
      if (verdict === "drop") {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/x-amz-json-1.0" });
      response.end(text);
    } catch {
      request.socket.destroy();
    }
  });
  const proxy: DynamoProxy = {
    endpoint: "",
    afterApply: () => "answer",
    log: [],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      proxy.endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      resolve(proxy);
    });
  });
}
