/**
 * A Hrana-over-HTTP server for tests (no sqld can be installed here), backed by the real
 * `libsql` package: `GET /v2` and `/v3`, `POST /v2/pipeline` and `/v3/pipeline` with execute,
 * batch (with conditions), sequence, describe, store_sql/close_sql, get_autocommit (v3) and
 * close; one SQLite connection per stream, tied across requests by single-use batons, closed
 * (rolling back an open transaction) on `close`, on expiry or when a fault drops it.
 *
 * @example
 * ```ts
 * const server = await startHranaServer({ path: "/tmp/x/db.sqlite" });
 * const client = createClient({ url: server.url });
 * await server.close();
 * ```
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Db, describeStmt, evalCond, executeSequence, executeStmt, type HBatch, HranaError, type HStmt, isAutocommit, openDb,
  sqlOf, toHranaError,
} from "./execute.ts";

export interface HranaServerOptions {
  /** The SQLite database file every stream opens. */
  path: string;
  /** When set, requests need `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Idle streams are closed after this long, ms. @default 10000 */
  streamTimeoutMs?: number;
}

/**
 * Faults injected into every batch until cleared (persistent, since an HTTP client may
 * re-send a request whose connection dropped).
 */
export interface HranaFaults {
  /** Execute this many steps of a batch, then drop the HTTP connection and the stream. */
  dropBatchAfterSteps?: number;
  /** Make this step of a batch fail with an I/O error instead of running it. */
  failBatchStep?: number;
}

export interface HranaServer {
  url: string;
  faults: HranaFaults;
  /** Pipeline requests served so far (round trips). */
  pipelineRequests: number;
  /** Streams open right now. */
  openStreams(): number;
  close(): Promise<void>;
}

interface Stream {
  db: Db;
  sqls: Map<number, string>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

class DropConnection extends Error {}

const BUSY_WAIT_MS = 10_000;

/** Starts the server on 127.0.0.1, on a free port. */
export async function startHranaServer(options: HranaServerOptions): Promise<HranaServer> {
  const streams = new Map<string, Stream>();
  const live = new Set<Stream>();
  const timeoutMs = options.streamTimeoutMs ?? 10_000;
  const setup = openDb(options.path);
  setup.exec("PRAGMA journal_mode = WAL");
  setup.close();

  // Connections of closed streams are reused, like sqld's pool (opening one re-reads the schema).
  const idle: Db[] = [];
  const closeStream = (stream: Stream, dropConnection = false) => {
    if (!live.delete(stream)) return;
    if (stream.timer) clearTimeout(stream.timer);
    try {
      if (stream.db.inTransaction) stream.db.exec("ROLLBACK");
    } catch {
      dropConnection = true; // closing rolls back anyway
    }
    if (dropConnection || idle.length >= 8) stream.db.close();
    else idle.push(stream.db);
  };

  /** Runs a statement, waiting (without blocking the event loop) while another stream holds a lock. */
  const withBusyWait = async <T>(fn: () => T): Promise<T> => {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        return fn();
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code !== "string" || !code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const runBatch = async (stream: Stream, batch: HBatch, version: number) => {
    const outcomes: ("ok" | "error" | undefined)[] = [];
    const stepResults: unknown[] = [];
    const stepErrors: unknown[] = [];
    const { dropBatchAfterSteps: drop, failBatchStep: fail } = server.faults;
    for (let i = 0; i < batch.steps.length; i++) {
      if (drop === i) throw new DropConnection();
      const step = batch.steps[i]!;
      stepResults.push(null);
      stepErrors.push(null);
      if (step.condition && !evalCond(step.condition, outcomes, stream.db, version)) continue;
      try {
        if (fail === i) throw new HranaError("disk I/O error (injected)", "SQLITE_IOERR");
        stepResults[i] = await withBusyWait(() => executeStmt(stream.db, step.stmt, stream.sqls));
        outcomes[i] = "ok";
      } catch (e) {
        stepErrors[i] = errorJson(toHranaError(e));
        outcomes[i] = "error";
      }
    }
    return { step_results: stepResults, step_errors: stepErrors };
  };

  const handleRequest = async (stream: Stream, request: Record<string, unknown>, version: number): Promise<{ response?: unknown; close?: boolean }> => {
    switch (request.type) {
      case "close":
        return { response: { type: "close" }, close: true };
      case "execute":
        return { response: { type: "execute", result: await withBusyWait(() => executeStmt(stream.db, request.stmt as HStmt, stream.sqls)) } };
      case "batch":
        return { response: { type: "batch", result: await runBatch(stream, request.batch as HBatch, version) } };
      case "sequence": {
        const sql = sqlOf(request as { sql?: string; sql_id?: number }, stream.sqls);
        await withBusyWait(() => executeSequence(stream.db, sql));
        return { response: { type: "sequence" } };
      }
      case "describe":
        return { response: { type: "describe", result: describeStmt(stream.db, sqlOf(request as { sql?: string; sql_id?: number }, stream.sqls)) } };
      case "store_sql": {
        const id = request.sql_id as number;
        if (stream.sqls.has(id)) throw new HranaError(`SQL text ${id} is already stored`, "SQL_STORE_TAKEN");
        stream.sqls.set(id, String(request.sql));
        return { response: { type: "store_sql" } };
      }
      case "close_sql":
        stream.sqls.delete(request.sql_id as number);
        return { response: { type: "close_sql" } };
      case "get_autocommit":
        if (version < 3) throw new HranaError("get_autocommit needs Hrana 3", "PROTOCOL_VERSION");
        return { response: { type: "get_autocommit", is_autocommit: isAutocommit(stream.db) } };
      default:
        throw new HranaError(`Unknown request type ${JSON.stringify(request.type)}`, "PROTO_ERROR");
    }
  };

  const pipeline = async (body: { baton?: string | null; requests?: unknown[] }, version: number, res: ServerResponse) => {
    let stream: Stream;
    if (typeof body.baton === "string") {
      const found = streams.get(body.baton);
      if (!found) return sendJson(res, 400, { message: "The stream has expired or the baton is invalid", code: "STREAM_EXPIRED" });
      streams.delete(body.baton); // batons are single-use
      stream = found;
      if (stream.timer) clearTimeout(stream.timer);
    } else {
      stream = { db: idle.pop() ?? openDb(options.path), sqls: new Map(), timer: undefined };
      live.add(stream);
    }
    const results: unknown[] = [];
    let closed = false;
    try {
      for (const request of body.requests ?? []) {
        if (closed) {
          results.push({ type: "error", error: { message: "The stream is closed", code: "STREAM_CLOSED" } });
          continue;
        }
        try {
          const outcome = await handleRequest(stream, request as Record<string, unknown>, version);
          results.push({ type: "ok", response: outcome.response });
          if (outcome.close) closed = true;
        } catch (e) {
          if (e instanceof DropConnection) throw e;
          results.push({ type: "error", error: errorJson(toHranaError(e)) });
        }
      }
    } catch (e) {
      closeStream(stream, true);
      if (e instanceof DropConnection) return void res.socket?.destroy();
      throw e;
    }
    let baton: string | null = null;
    if (closed) closeStream(stream);
    else {
      baton = crypto.randomUUID() + crypto.randomUUID();
      streams.set(baton, stream);
      stream.timer = setTimeout(() => {
        streams.delete(baton!);
        closeStream(stream);
      }, timeoutMs);
    }
    sendJson(res, 200, { baton, base_url: null, results });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (options.authToken !== undefined && req.headers.authorization !== `Bearer ${options.authToken}`) {
      return sendJson(res, 401, { message: "Unauthorized", code: "UNAUTHORIZED" });
    }
    if (req.method === "GET" && (path === "/v2" || path === "/v3" || path === "/health")) return sendText(res, 200, "");
    const match = /^\/v([23])\/pipeline$/.exec(path);
    if (req.method !== "POST" || !match) return sendText(res, 404, "Not found");
    let body: { baton?: string | null; requests?: unknown[] };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { message: "The body is not JSON", code: "PROTO_ERROR" });
    }
    server.pipelineRequests++;
    await pipeline(body, Number(match[1]), res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { message: String((e as Error)?.message ?? e), code: "INTERNAL" });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  const server: HranaServer = {
    url: `http://127.0.0.1:${port}`,
    faults: {},
    pipelineRequests: 0,
    openStreams: () => live.size,
    async close() {
      for (const stream of [...live]) closeStream(stream, true);
      for (const db of idle.splice(0)) db.close();
      streams.clear();
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}

function errorJson(e: HranaError): { message: string; code?: string } {
  return e.code === undefined ? { message: e.message } : { message: e.message, code: e.code };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    req.on("end", () => resolve(new TextDecoder("utf-8", { ignoreBOM: true }).decode(concat(chunks))));
    req.on("error", reject);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(new TextEncoder().encode(text).length) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(text);
}
