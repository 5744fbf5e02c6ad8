/**
 * From a `LibSQL` / `SQLAlchemy` config to a driver: picks the client (the injected native
 * one, or the web client for HTTP) and the options a URL needs.
 *
 * @module
 */
import type { Client, Config } from "@libsql/client/web";
import type { LibSQLConfig } from "../../config-types.ts";
import type { Driver } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import { importPeer } from "../../optional-peer.ts";
import { lazyDriver } from "../lazy.ts";
import type { LibsqlDriverOptions } from "./driver.ts";

/** What objstore passes to a libSQL `createClient`: a part of `@libsql/client`'s `Config`. */
export interface LibsqlClientConfig {
  /** The database URL: `file:`, `:memory:`, `libsql:`, `http(s):` or `ws(s):`. */
  url: string;
  /** The token of a remote database. */
  authToken?: string;
  /** Milliseconds a local connection waits for another process's lock. */
  timeout?: number;
  /** `fetch` for HTTP URLs (`CreateOptions.fetch`). */
  fetch?: typeof fetch;
}

/**
 * A `createClient` of `@libsql/client` (the native one from `@libsql/client`, or
 * `@libsql/client/web`), or a function resolving to a client (the runtime entry points import
 * the native client on first use). It must return a `Client` of `@libsql/client`; the type says
 * `object` so that this package's types do not depend on the optional `@libsql/client`.
 *
 * @example
 * ```ts
 * import { createClient } from "@libsql/client";
 * const libsqlCreateClient: LibsqlCreateClient = createClient;
 * ```
 */
export type LibsqlCreateClient = (config: LibsqlClientConfig) => object | Promise<object>;

/** What the config needs from `CreateOptions`. */
export interface LibsqlServices {
  libsqlCreateClient?: LibsqlCreateClient;
  fetch?: typeof fetch;
}

/** Milliseconds a local connection waits for another process's lock (SQLite busy timeout). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The driver for a validated LibSQL/SQLAlchemy config, imported on its first operation. Without
 * `libsqlCreateClient` it uses `@libsql/client/web` (loaded on first use), which speaks HTTP
 * only: `file:` and `:memory:` then throw `UNSUPPORTED` naming the runtime entry points.
 *
 * @example
 * ```ts
 * const driver = libsqlDriverFromConfig({ Type: "LibSQL", url: "https://db.example.com", authToken }, {});
 * ```
 */
export function libsqlDriverFromConfig(config: LibSQLConfig, services: LibsqlServices): Driver {
  const url = (config.url ?? config.connectionString)!;
  const local = url === ":memory:" || url.startsWith("file:");
  const create = services.libsqlCreateClient;
  if (local && create === undefined) {
    throw new ObjectStoreError(
      "UNSUPPORTED",
      `The ${config.Type} store cannot open a local database (file: or :memory:) here: this build has only the HTTP client. ` +
        `Import from "@objstore/objstore/node", "@objstore/objstore/bun" or "@objstore/objstore/deno" (they inject the native client), ` +
        `pass libsqlCreateClient in the options, or use a libsql://, http(s):// or ws(s):// URL.`,
    );
  }
  const clientConfig: LibsqlClientConfig & Config = { url };
  if (config.authToken !== undefined) clientConfig.authToken = config.authToken;
  // Both layouts commit in one batch that the native client runs in a single call, so no lock is
  // held between awaits: a native busy wait only ever waits for another process.
  if (local) clientConfig.timeout = BUSY_TIMEOUT_MS;
  if (services.fetch !== undefined) clientConfig.fetch = services.fetch;
  const options: LibsqlDriverOptions = {
    client: create !== undefined
      ? () => create(clientConfig) as Client | Promise<Client>
      : async () => (await importWebClient()).createClient(clientConfig),
    wal: url.startsWith("file:") && !url.includes(":memory:"),
  };
  // A local file's client is replaced after a busy error (see replacing.ts).
  options.reopenOnBusy = options.wal;
  if (config.objectPrefix !== undefined) options.objectPrefix = config.objectPrefix;
  if (config.layout === "original") {
    const make = options.client;
    return lazyDriver("LibSQL", async () => {
      const [{ originalSqlDriver }, { libsqlOriginalConnection, useWal }, { libsqlErrors }] = await Promise.all([
        import("../sql/original.ts"), import("../sql/original-client.ts"), import("./errors.ts"),
      ]);
      const open = async () => typeof make === "function" ? await make() : make;
      const connection = async () => libsqlOriginalConnection(await open(), options.reopenOnBusy ? open : undefined);
      const prepare = options.wal ? useWal : undefined;
      return originalSqlDriver({ kind: "LibSQL", flavor: "sqlite", connection, objectPrefix: config.objectPrefix ?? "", errors: libsqlErrors, prepare });
    }, { replace: false });
  }
  // The driver itself (and its SQL) is imported on first use.
  return lazyDriver("LibSQL", async () => (await import("./driver.ts")).libsqlDriver(options), { replace: true });
}

/** `@libsql/client/web`, an optional peer dependency: without it, `UNSUPPORTED` naming the package. */
function importWebClient(): Promise<typeof import("@libsql/client/web")> {
  return importPeer(() => import("@libsql/client/web"), "@libsql/client", "The LibSQL store");
}
