/**
 * What every runtime's `serve()` shares: the app over a store, one log line per request, and
 * the main job's settings from the environment (PORT, HOST, API_TOKEN, API_TOKENS, CORS_ORIGINS,
 * APIAPP_OBJECTSTORECONFIG). The runtime files only bind a listener.
 *
 * @module
 */
import type { ObjectStore } from "../../mod.ts";
import { importPeer } from "../../src/optional-peer.ts";

/** A request handler, as `fetch`-style servers take. */
export type Handler = (request: Request) => Response | Promise<Response>;

/** A runtime's listener: binds `handler` and reports the port it got. */
export type Listen = (handler: Handler, address: { port: number; hostname: string }) => Promise<{ port: number; close(): Promise<void> }>;

/** Options of `serve()`. */
export interface ServeOptions {
  /** The store to serve. @default the store of `env`'s APIAPP_OBJECTSTORECONFIG */
  store?: ObjectStore;
  /** Environment for the defaults below. @default {} */
  env?: Record<string, string | undefined>;
  /** Port; 0 picks a free one. @default env.PORT ?? 8787 */
  port?: number;
  /** Interface to bind. @default env.HOST ?? "127.0.0.1" */
  hostname?: string;
  /** One read-write bearer token for `/api/*`. @default env.API_TOKEN */
  token?: string;
  /** Scoped tokens, `"t1:read,t2:write,t3:replicate,t4:write@acme"` (see docs/http.md). @default env.API_TOKENS */
  tokens?: string;
  /** CORS origins. @default env.CORS_ORIGINS split on commas */
  cors?: string | string[];
  /** Largest request body in bytes. @default 1048576 */
  bodyLimit?: number;
  /** Where request lines go; `false` for none. @default console.log */
  log?: ((line: string) => void) | false;
  /** Serve this handler instead of the API over `store` (tests, composite apps). */
  handler?: Handler;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`. */
  url: string;
  /** The port listened on (the one picked when 0 was asked). */
  port: number;
  /** The interface listened on. */
  hostname: string;
  /** The store served (undefined with a custom handler). */
  store: ObjectStore | undefined;
  /** Stops listening and ends open connections; the store stays open. */
  close(): Promise<void>;
}

/** What a runtime's `serve` passes in: its listener and its `createObjectStoreFromEnv`. */
export interface RuntimeBinding {
  listen: Listen;
  createFromEnv: (env: Record<string, string | undefined>) => ObjectStore;
}

/** Starts a server with a runtime's binding. */
export async function serveWith(binding: RuntimeBinding, options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? {};
  const port = options.port ?? portOf(env.PORT);
  const hostname = options.hostname ?? (env.HOST || "127.0.0.1");
  const store = options.handler ? options.store : options.store ?? binding.createFromEnv(env);
  const token = options.token ?? (env.API_TOKEN || undefined);
  const tokens = options.tokens ?? (env.API_TOKENS || undefined);
  const cors = options.cors ?? (env.CORS_ORIGINS ? env.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : undefined);
  const handler = options.handler ?? (await httpApp()).createApp(store!, { token, tokens, cors, bodyLimit: options.bodyLimit }).fetch;
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const listener = await binding.listen(log ? logged(handler, log) : handler, { port, hostname });
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return { url: `http://${host}:${listener.port}`, port: listener.port, hostname, store, close: listener.close };
}

/**
 * The HTTP app module, loaded when a server starts: it needs Hono, an optional peer dependency
 * (the bin carries its own copy), so a program that only stores objects does not install it.
 * Its entry (`mod.ts`) registers the OpenAPI document, so every server serves `/openapi.json`.
 */
function httpApp(): Promise<typeof import("../../src/http/mod.ts")> {
  return importPeer(() => import("../../src/http/mod.ts"), "hono", "serve()");
}

/** Wraps a handler to log `METHOD /path STATUS 1.2ms` per request. */
export function logged(handler: Handler, log: (line: string) => void): Handler {
  return async (request) => {
    const start = performance.now();
    let status = 500;
    try {
      const response = await handler(request);
      status = response.status;
      return response;
    } finally {
      const path = request.url.replace(/^[a-z]+:\/\/[^/]*/i, "").split("?")[0];
      log(`${request.method} ${path} ${status} ${(performance.now() - start).toFixed(1)}ms`);
    }
  };
}

function portOf(text: string | undefined): number {
  if (text === undefined || text === "") return 8787;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535, got ${JSON.stringify(text)}`);
  return port;
}

/** Describes a store config for the start-up log line, without secrets. */
export function describeConfig(text: string | undefined): string {
  if (text === undefined || text.trim() === "") return "Memory";
  try {
    const config = JSON.parse(text) as Record<string, unknown>;
    const url = config.url ?? config.connectionString ?? config.endpoint_url ?? config.BaseLocation;
    return typeof url === "string" ? `${config.Type} ${redact(url)}` : String(config.Type);
  } catch {
    return "(unparseable config)";
  }
}

function redact(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url; // file:, :memory:, paths: nothing secret
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    parsed.searchParams.forEach((_, name) => {
      if (/token|secret|key|password/i.test(name)) parsed.searchParams.set(name, "***");
    });
    return parsed.href;
  } catch {
    return url;
  }
}
