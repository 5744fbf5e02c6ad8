/**
 * The original layout's tables per database: quoting, byte-wise comparison of `type` and `key`,
 * the tables as the Python original's `create_all` makes them, and how a duplicate or a too
 * long value is reported.
 *
 * @module
 */
import type { SqlStatement, SqlValue } from "./client.ts";

/** What differs between the original layout on MySQL/MariaDB and on SQLite. */
export interface OriginalFlavor {
  quote(name: string): string;
  /** `column = ?` comparing bytes; pushes its arguments. */
  eq(column: string, value: string, args: SqlValue[]): string;
  /** ORDER BY expression of the key, by code point. */
  keyOrder: string;
  /** Column expression reading `type` for `types()`, decoded by {@link text}. */
  typeColumn: string;
  schema(prefix: string, server: string): SqlStatement[];
  duplicate(error: unknown): boolean;
  tooLong(error: unknown): boolean;
}

const errno = (e: unknown) => Number((e as { errno?: unknown } | null)?.errno);
const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? "");

const mysqlFlavor: OriginalFlavor = {
  quote: (n) => `\`${n.replaceAll("`", "``")}\``,
  eq: (column, value, args) => {
    args.push(value, value);
    return `${column} = ? AND BINARY ${column} = BINARY ?`;
  },
  keyOrder: "BINARY `key`",
  typeColumn: "CAST(type AS BINARY)",
  schema(p, server) {
    const q = mysqlFlavor.quote;
    // utf8mb4 ordered by code point with no trailing-space padding: MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin.
    const bin = /mariadb/i.test(server) ? "utf8mb4_nopad_bin" : /^[89]\./.test(server) ? "utf8mb4_0900_bin" : "utf8mb4_bin";
    const text = (n: number) => `VARCHAR(${n}) CHARACTER SET utf8mb4 COLLATE ${bin}`;
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_objData`)} (
          id INTEGER NOT NULL AUTO_INCREMENT,
          type ${text(50)}, \`key\` ${text(140)},
          \`objectDICT\` LONGTEXT, \`objectVersion\` BIGINT,
          \`creationDate\` DATETIME(6), \`lastUpdateDate\` DATETIME(6),
          \`creationDate_iso8601\` VARCHAR(40), \`lastUpdateDate_iso8601\` VARCHAR(40),
          PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_objData_ix1`)} UNIQUE (type, \`key\`),
          INDEX ${q(`ix_${p}_objData_type`)} (type), INDEX ${q(`ix_${p}_objData_key`)} (\`key\`)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_idxData`)} (
          id INTEGER NOT NULL AUTO_INCREMENT,
          type ${text(50)}, \`keyA\` ${text(140)}, \`keyB\` ${text(140)},
          PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_idxData_ix1`)} UNIQUE (type, \`keyA\`),
          CONSTRAINT ${q(`${p}_idxData_ix2`)} UNIQUE (type, \`keyB\`),
          INDEX ${q(`ix_${p}_idxData_type`)} (type), INDEX ${q(`ix_${p}_idxData_keyA`)} (\`keyA\`), INDEX ${q(`ix_${p}_idxData_keyB`)} (\`keyB\`)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_ver`)} (
          id INTEGER NOT NULL AUTO_INCREMENT, first_installed_ver INTEGER, current_installed_ver INTEGER,
          \`creationDate_iso8601\` VARCHAR(40), \`lastUpdateDate_iso8601\` VARCHAR(40), PRIMARY KEY (id)
        ) DEFAULT CHARSET = utf8mb4 ENGINE = InnoDB`,
        args: [],
      },
    ];
  },
  duplicate: (e) => errno(e) === 1062,
  // Data too long (a Python-made TEXT column holds 64 KB), or text a utf8 (3-byte) column cannot hold.
  tooLong: (e) => errno(e) === 1406 || errno(e) === 1366,
};

const sqliteFlavor: OriginalFlavor = {
  quote: (n) => `"${n.replaceAll('"', '""')}"`,
  eq: (column, value, args) => {
    args.push(value);
    return `${column} = ?`;
  },
  keyOrder: `"key"`,
  typeColumn: "type",
  schema(p) {
    const q = sqliteFlavor.quote;
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_objData`)} (
          id INTEGER NOT NULL, type VARCHAR(50), "key" VARCHAR(140), "objectDICT" TEXT, "objectVersion" BIGINT,
          "creationDate" DATETIME, "lastUpdateDate" DATETIME, "creationDate_iso8601" VARCHAR(40), "lastUpdateDate_iso8601" VARCHAR(40),
          PRIMARY KEY (id), CONSTRAINT ${q(`${p}_objData_ix1`)} UNIQUE (type, "key"))`,
        args: [],
      },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_objData_type`)} ON ${q(`${p}_objData`)} (type)`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_objData_key`)} ON ${q(`${p}_objData`)} ("key")`, args: [] },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_idxData`)} (
          id INTEGER NOT NULL, type VARCHAR(50), "keyA" VARCHAR(140), "keyB" VARCHAR(140), PRIMARY KEY (id),
          CONSTRAINT ${q(`${p}_idxData_ix1`)} UNIQUE (type, "keyA"), CONSTRAINT ${q(`${p}_idxData_ix2`)} UNIQUE (type, "keyB"))`,
        args: [],
      },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_type`)} ON ${q(`${p}_idxData`)} (type)`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_keyA`)} ON ${q(`${p}_idxData`)} ("keyA")`, args: [] },
      { sql: `CREATE INDEX IF NOT EXISTS ${q(`ix_${p}_idxData_keyB`)} ON ${q(`${p}_idxData`)} ("keyB")`, args: [] },
      {
        sql: `CREATE TABLE IF NOT EXISTS ${q(`${p}_ver`)} (
          id INTEGER NOT NULL, first_installed_ver INTEGER, current_installed_ver INTEGER,
          "creationDate_iso8601" VARCHAR(40), "lastUpdateDate_iso8601" VARCHAR(40), PRIMARY KEY (id))`,
        args: [],
      },
    ];
  },
  duplicate: (e) => /^SQLITE_CONSTRAINT/.test(codeOf(e)) || /UNIQUE constraint failed/.test(String((e as Error)?.message)),
  tooLong: () => false,
};

/**
 * The flavor of `"mysql"` or `"sqlite"`.
 *
 * @example
 * ```ts
 * const statements = originalFlavor("sqlite").schema("app", "");
 * ```
 */
export function originalFlavor(name: "mysql" | "sqlite"): OriginalFlavor {
  return name === "mysql" ? mysqlFlavor : sqliteFlavor;
}
