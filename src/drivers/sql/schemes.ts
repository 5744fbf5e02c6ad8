/**
 * The SQLAlchemy URL schemes of SQL servers (MySQL/MariaDB, PostgreSQL): enough for the config
 * check to tell a server URL from a libSQL one. Reading a server URL (url.ts) comes with the
 * SQL drivers (`@objstore/objstore/libsql`).
 *
 * @module
 */

/** The server dialects a URL can name. */
export type ServerDialect = "mysql" | "postgres";

/** SQLAlchemy schemes of each server dialect (the driver part after `+` is ignored: the JavaScript client is ours). */
export const SERVER_SCHEMES: Record<ServerDialect, readonly string[]> = {
  mysql: ["mysql:", "mysql+pymysql:", "mysql+mysqldb:", "mysql+mysqlconnector:", "mariadb:", "mariadb+pymysql:", "mariadb+mariadbconnector:"],
  postgres: ["postgresql:", "postgresql+psycopg2:", "postgresql+psycopg:", "postgresql+pg8000:", "postgresql+asyncpg:", "postgres:"],
};

/**
 * The server dialect of `url`'s scheme, if it names one.
 *
 * @example
 * ```ts
 * serverDialectOf("mysql+pymysql://u:p@h/db"); // "mysql"
 * ```
 */
export function serverDialectOf(url: string): ServerDialect | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0].toLowerCase();
  if (scheme === undefined) return undefined;
  if (SERVER_SCHEMES.mysql.includes(scheme)) return "mysql";
  if (SERVER_SCHEMES.postgres.includes(scheme)) return "postgres";
  return undefined;
}
