/**
 * SQLAlchemy URLs of SQL servers (`mysql+pymysql://user:pass@host:3306/db?charset=utf8mb4`,
 * `postgresql://user@host/db?sslmode=require`) read into connection settings. Messages never
 * quote the URL or a parameter's value, so a password cannot leak through them.
 *
 * @module
 */
import { type ServerDialect, serverDialectOf } from "./schemes.ts";

export { SERVER_SCHEMES, type ServerDialect, serverDialectOf } from "./schemes.ts";

/** Query parameters each dialect understands. */
const PARAMETERS: Record<ServerDialect, readonly string[]> = {
  mysql: ["charset", "ssl", "ssl_mode", "sslmode", "connect_timeout", "unix_socket"],
  postgres: ["sslmode", "ssl", "application_name", "connect_timeout", "host"],
};

/** TLS: off, on with the server's certificate checked, or (PostgreSQL `prefer`/`allow`) tried first. */
export type TlsMode = "disable" | "prefer" | "require" | "verify";

/** Connection settings read from a server URL. */
export interface ServerUrl {
  dialect: ServerDialect;
  host: string;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  database: string | undefined;
  tls: TlsMode;
  /** Unix socket path (MySQL `unix_socket`) or directory (PostgreSQL `host`). */
  socket: string | undefined;
  connectTimeoutSeconds: number | undefined;
  applicationName: string | undefined;
}

const TLS_VALUES: Record<string, TlsMode> = {
  // MySQL ssl / ssl_mode and PostgreSQL sslmode spellings, any case.
  "true": "verify", "1": "verify", "false": "disable", "0": "disable",
  disabled: "disable", disable: "disable", preferred: "prefer", prefer: "prefer", allow: "prefer",
  required: "require", require: "require", verify_ca: "verify", "verify-ca": "verify", verify_identity: "verify", "verify-full": "verify",
};

const decode = (text: string): string | undefined => {
  if (text === "") return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Reads a server URL, or returns the problems (which never quote the URL).
 *
 * @example
 * ```ts
 * const parsed = parseServerUrl("postgresql://app@db.internal:5432/app?sslmode=require");
 * if (!Array.isArray(parsed)) parsed.tls; // "require"
 * ```
 */
export function parseServerUrl(url: string): ServerUrl | string[] {
  const dialect = serverDialectOf(url);
  if (dialect === undefined) return ["is not a MySQL or PostgreSQL URL"];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ["is not a valid URL"];
  }
  const problems: string[] = [];
  const params = parsed.searchParams;
  let tls: TlsMode = dialect === "postgres" ? "prefer" : "disable";
  let socket: string | undefined;
  let connectTimeoutSeconds: number | undefined;
  for (const [name, value] of params) {
    if (!PARAMETERS[dialect].includes(name)) {
      problems.push(`unknown query parameter ${JSON.stringify(name.slice(0, 40))}; supported: ${PARAMETERS[dialect].join(", ")}`);
    } else if (name === "ssl" || name === "ssl_mode" || name === "sslmode") {
      const mode = TLS_VALUES[value.toLowerCase()];
      if (mode === undefined) problems.push(`query parameter ${name} must be one of disable, prefer, require, verify-ca, verify-full (or true/false)`);
      else tls = mode;
    } else if (name === "charset") {
      if (!/^utf8(mb4|mb3)?$/i.test(value)) problems.push("query parameter charset must be utf8mb4 (objstore always talks utf8mb4)");
    } else if (name === "connect_timeout") {
      const seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds < 1) problems.push("query parameter connect_timeout must be a whole number of seconds");
      else connectTimeoutSeconds = seconds;
    } else if (name === "unix_socket" || name === "host") {
      socket = value;
    }
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "" && socket === undefined) problems.push("names no host");
  const database = decode(parsed.pathname.replace(/^\//, ""));
  if (dialect === "mysql" && database === undefined) problems.push("names no database (mysql://user:password@host:3306/database)");
  if (database !== undefined && database.includes("/")) problems.push("the database name must not hold /");
  if (problems.length > 0) return problems;
  return {
    dialect,
    host,
    port: parsed.port === "" ? undefined : Number(parsed.port),
    user: decode(parsed.username),
    password: decode(parsed.password),
    database,
    tls,
    socket,
    connectTimeoutSeconds,
    applicationName: params.get("application_name") ?? undefined,
  };
}
