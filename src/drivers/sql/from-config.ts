/**
 * From a `SQLAlchemy` config to a driver: MySQL/MariaDB and PostgreSQL URLs get the SQL layer
 * over the client the runtime entry point injects (mysql2, postgres.js); `sqlite:` URLs and
 * libSQL URLs go to the libSQL driver.
 *
 * @module
 */
import type { LibSQLConfig } from "../../config-types.ts";
import type { Driver } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import { importPeer } from "../../optional-peer.ts";
import { lazyDriver } from "../lazy.ts";
import { libsqlDriverFromConfig, type LibsqlServices } from "../libsql/from-config.ts";
import type { Mysql2Module } from "./mysql-client.ts";
import type { PostgresFactory } from "./postgres-client.ts";
import { parseServerUrl, type ServerUrl } from "./url.ts";

/** What SQL server configs need from `CreateOptions`: loaders of the optional client packages. */
export interface SqlServices extends LibsqlServices {
  /** Loads `mysql2/promise` (MySQL/MariaDB URLs). The runtime entry points inject `() => import("mysql2/promise")`. */
  loadMysql2?: () => Promise<Mysql2Module>;
  /** Loads postgres.js's `postgres` (PostgreSQL URLs). The runtime entry points inject `async () => (await import("postgres")).default`. */
  loadPostgres?: () => Promise<PostgresFactory>;
}

const ENTRY_POINTS = `"@objstore/objstore/node", "@objstore/objstore/bun" or "@objstore/objstore/deno"`;

/** A `sqlite:` URL as a libSQL one: `sqlite://` and `sqlite:///:memory:` are memory, `sqlite:///x.db` the file x.db. */
function libsqlUrlOf(url: string): string {
  const path = url.slice("sqlite://".length).replace(/^\//, "");
  return path === "" || path === ":memory:" ? ":memory:" : `file:${path}`;
}

/** mysql2 pool options for a parsed MySQL URL. */
export function mysqlOptions(u: ServerUrl): Record<string, unknown> {
  const options: Record<string, unknown> = {
    host: u.host || "localhost",
    user: u.user,
    password: u.password,
    database: u.database,
    // utf8mb4 with a binary collation: keys and strings compare by code point, case-sensitively.
    charset: "UTF8MB4_BIN",
    multipleStatements: true,
    // Affected rows count changed rows, which is what each write's check reads.
    flags: ["-FOUND_ROWS"],
    connectionLimit: 10,
    enableKeepAlive: true,
  };
  if (u.port !== undefined) options.port = u.port;
  if (u.socket !== undefined) options.socketPath = u.socket;
  if (u.tls === "require" || u.tls === "verify") options.ssl = { rejectUnauthorized: u.tls === "verify" };
  if (u.connectTimeoutSeconds !== undefined) options.connectTimeout = u.connectTimeoutSeconds * 1000;
  return options;
}

function postgresOptions(u: ServerUrl): Record<string, unknown> {
  const options: Record<string, unknown> = {
    host: u.socket ?? (u.host || "localhost"),
    database: u.database,
    ssl: u.tls === "disable" ? false : u.tls === "verify" ? "verify-full" : u.tls,
    max: 10,
    // No catalog query on connect (objstore binds only text and numbers), no notices printed.
    fetch_types: false,
    onnotice: () => {},
  };
  if (u.user !== undefined) options.username = u.user;
  if (u.password !== undefined) options.password = u.password;
  if (u.port !== undefined) options.port = u.port;
  if (u.connectTimeoutSeconds !== undefined) options.connect_timeout = u.connectTimeoutSeconds;
  if (u.applicationName !== undefined) options.connection = { application_name: u.applicationName };
  return options;
}

function serverDriver(config: LibSQLConfig, u: ServerUrl, services: SqlServices): Driver {
  const isMysql = u.dialect === "mysql";
  const kind = isMysql ? "MySQL" : "PostgreSQL";
  const pkg = isMysql ? "mysql2" : "postgres";
  const load = isMysql ? services.loadMysql2 : services.loadPostgres;
  if (load === undefined) {
    throw new ObjectStoreError(
      "UNSUPPORTED",
      `The ${kind} store needs a TCP client: import from ${ENTRY_POINTS} (with the ${pkg} package installed), ` +
        `or pass ${isMysql ? "loadMysql2" : "loadPostgres"} in the options.`,
    );
  }
  const objectPrefix = config.objectPrefix;
  if (config.layout === "original") {
    if (!isMysql) throw new ObjectStoreError("UNSUPPORTED", `"layout": "original" reads the Python original's MySQL/MariaDB and SQLite tables; not PostgreSQL`);
    return lazyDriver(kind, async () => {
      const [mysql2, { originalSqlDriver }, { mysqlOriginalConnection }, { mysqlDialect }] = await Promise.all([
        importPeer(services.loadMysql2!, pkg, `The ${kind} store`), import("./original.ts"), import("./original-client.ts"), import("./mysql.ts"),
      ]);
      // FOUND_ROWS: an UPDATE reports the rows it matched, which is what each conditional write checks.
      const pool = () => mysqlOriginalConnection(mysql2.createPool({ ...mysqlOptions(u), flags: ["FOUND_ROWS"] }));
      return originalSqlDriver({ kind, flavor: "mysql", connection: pool, objectPrefix: objectPrefix ?? "", errors: mysqlDialect.errors });
    }, { replace: false });
  }
  return lazyDriver(kind, async () => {
    const { sqlDriver } = await import("./driver.ts");
    if (isMysql) {
      const [mysql2, { mysqlDialect }, { mysqlSqlClient }] = await Promise.all([
        importPeer(services.loadMysql2!, pkg, `The ${kind} store`), import("./mysql.ts"), import("./mysql-client.ts"),
      ]);
      return sqlDriver({ kind, dialect: mysqlDialect, client: () => mysqlSqlClient(mysql2.createPool(mysqlOptions(u))), objectPrefix });
    }
    const [postgres, { postgresDialect }, { postgresSqlClient }] = await Promise.all([
      importPeer(services.loadPostgres!, pkg, `The ${kind} store`), import("./postgres.ts"), import("./postgres-client.ts"),
    ]);
    return sqlDriver({ kind, dialect: postgresDialect, client: () => postgresSqlClient(postgres(postgresOptions(u))), objectPrefix });
  }, { replace: true });
}

/**
 * The driver for a validated `SQLAlchemy` (or `LibSQL`) config, imported on its first
 * operation; the server client package is loaded then too.
 *
 * @example
 * ```ts
 * const driver = sqlalchemyDriverFromConfig({ Type: "SQLAlchemy", connectionString: "postgresql://app@db/app" }, { loadPostgres });
 * ```
 */
export function sqlalchemyDriverFromConfig(config: LibSQLConfig, services: SqlServices): Driver {
  const url = (config.url ?? config.connectionString)!;
  if (config.Type === "SQLAlchemy") {
    const parsed = parseServerUrl(url);
    if (!Array.isArray(parsed)) return serverDriver(config, parsed, services);
    if (url.startsWith("sqlite:")) {
      const { connectionString: _c, url: _u, ...rest } = config;
      return libsqlDriverFromConfig({ ...rest, connectionString: libsqlUrlOf(url) }, services);
    }
  }
  return libsqlDriverFromConfig(config, services);
}
