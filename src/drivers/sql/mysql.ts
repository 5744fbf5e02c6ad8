/**
 * The MySQL / MariaDB dialect: backtick quoting, VARBINARY types and keys (byte order of UTF-8
 * is code-point order, case-sensitive, no trailing-space padding), JSON_EXTRACT for the typed
 * sort, and commits as one multi-statement transaction in which each write's row count is
 * checked right after it (a failed check inserts a duplicate meta row whose name spells the
 * conflict, which stops the transaction).
 *
 * @module
 */
import type { SqlStatement, SqlValue } from "./client.ts";
import { checkedCommit, checkedReplace, type RowCountSql } from "./commit.ts";
import type { DialectErrors, FieldSql, SqlDialect } from "./dialect.ts";
import type { Tables } from "./schema.ts";

const BIN = "utf8mb4_bin";
const NUMBER_TYPES = "'INTEGER', 'DOUBLE', 'UNSIGNED INTEGER', 'DECIMAL'";

/** Field `name` of the JSON value as a quoted path (JSON string escapes hold any name). */
function field(name: string, args: SqlValue[]): FieldSql {
  const path = `$.${JSON.stringify(name)}`;
  const j = () => {
    args.push(path);
    return "JSON_EXTRACT(value, ?)";
  };
  const rank = `CASE JSON_TYPE(${j()}) WHEN 'BOOLEAN' THEN IF(CAST(${j()} AS CHAR) = 'true', 2, 1) WHEN 'STRING' THEN 4` +
    ` WHEN 'ARRAY' THEN 5 WHEN 'OBJECT' THEN 5 WHEN 'NULL' THEN 0 ELSE IF(JSON_TYPE(${j()}) IN (${NUMBER_TYPES}), 3, 0) END`;
  const number = `IF(JSON_TYPE(${j()}) IN (${NUMBER_TYPES}), CAST(CAST(${j()} AS CHAR) AS DOUBLE), NULL)`;
  const text = `CASE JSON_TYPE(${j()}) WHEN 'STRING' THEN CONVERT(JSON_UNQUOTE(${j()}) USING binary)` +
    ` WHEN 'ARRAY' THEN CONVERT(CAST(${j()} AS CHAR) USING binary) WHEN 'OBJECT' THEN CONVERT(CAST(${j()} AS CHAR) USING binary) END`;
  // Arrays and objects compare by the server's JSON text, so a cursor's value is normalised the same way.
  return { rank, number, text, json: "CONVERT(CAST(JSON_EXTRACT(?, '$') AS CHAR) USING binary)" };
}

function schema(t: Tables, version: number): SqlStatement[] {
  return [
    { sql: `CREATE TABLE IF NOT EXISTS ${t.meta} (name VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, value TEXT NOT NULL) ENGINE = InnoDB`, args: [] },
    {
      // type/key: UTF-8 bytes (a type is at most 100 code points = 400 bytes, a key 1024 bytes);
      // search: the lower-cased search text when it holds non-ASCII text, else NULL.
      sql: `CREATE TABLE IF NOT EXISTS ${t.objects} (
        type VARBINARY(400) NOT NULL,
        \`key\` VARBINARY(1024) NOT NULL,
        value LONGTEXT CHARACTER SET utf8mb4 COLLATE ${BIN} NOT NULL,
        version VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        created VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        updated VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        search LONGTEXT CHARACTER SET utf8mb4 COLLATE ${BIN} NULL,
        PRIMARY KEY (type, \`key\`)
      ) ENGINE = InnoDB`,
      args: [],
    },
    { sql: `INSERT INTO ${t.meta} (name, value) VALUES ('schema_version', ?) ON DUPLICATE KEY UPDATE name = name`, args: [String(version)] },
    { sql: `SELECT value FROM ${t.meta} WHERE name = 'schema_version'`, args: [] },
  ];
}

const rowCount: RowCountSql = {
  key: "`key`",
  insertIfAbsent: "ON DUPLICATE KEY UPDATE version = version",
  upsert: "ON DUPLICATE KEY UPDATE value = VALUES(value), version = VALUES(version), created = VALUES(created), updated = VALUES(updated), search = VALUES(search)",
  checked(t, write, index, type, key, returning) {
    // Two identical rows into meta's primary key: "Duplicate entry 'objstore-conflict:<i>:<v>'".
    const fail = write === undefined ? `EXISTS (SELECT 1 FROM ${t.objects} WHERE type = ? AND \`key\` = ?)` : "ROW_COUNT() <> 1";
    const args: SqlValue[] = [String(index), type, key];
    if (write === undefined) args.push(type, key);
    const check: SqlStatement = {
      sql: `INSERT INTO ${t.meta} (name, value) SELECT CONCAT('objstore-conflict:', ?, ':', COALESCE((SELECT version FROM ${t.objects} WHERE type = ? AND \`key\` = ?), '-')), ''` +
        ` FROM (SELECT 1 AS n UNION ALL SELECT 2) AS twice WHERE ${fail}`,
      args,
    };
    const statements = write === undefined ? [check] : [write, check];
    if (returning !== undefined) statements.push({ sql: `SELECT ${returning} FROM ${t.objects} WHERE type = ? AND \`key\` = ?`, args: [type, key] });
    return statements;
  },
};

/**
 * A single write's statements as one multi-statement call without a transaction: the write
 * makes its change or none, and its check only reads, so nothing can be left half done (and
 * the server commits once instead of three times).
 */
function alone(statements: SqlStatement[]): SqlStatement[] {
  return [{ sql: statements.map((s) => s.sql).join(";\n"), args: statements.flatMap((s) => s.args) }];
}

/** Server errors after which the connection is gone (killed, shut down, lost). */
const GONE = new Set([1053, 1077, 1078, 1079, 1080, 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1317, 1927, 2002, 2003, 2006, 2013, 2055]);
const CLIENT_GONE = /^(PROTOCOL_CONNECTION_LOST|PROTOCOL_ENQUEUE_AFTER_(FATAL_ERROR|QUIT)|PROTOCOL_SEQUENCE_TIMEOUT|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ER_CON_COUNT_ERROR|ER_TOO_MANY_USER_CONNECTIONS)$/;

const errors: DialectErrors = {
  code(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" ? code : undefined;
  },
  // Deadlock and lock wait timeout: InnoDB rolled the transaction (or statement) back.
  retryable: (error) => [1205, 1213].includes(Number((error as { errno?: unknown } | null)?.errno)),
  unavailable(error) {
    const errno = Number((error as { errno?: unknown } | null)?.errno);
    const code = errors.code(error);
    return GONE.has(errno) || (code !== undefined && CLIENT_GONE.test(code)) || (error as { fatal?: unknown } | null)?.fatal === true;
  },
};

/**
 * The MySQL / MariaDB dialect.
 *
 * @example
 * ```ts
 * const driver = sqlDriver({ kind: "MySQL", dialect: mysqlDialect, client: () => mysqlSqlClient(pool) });
 * ```
 */
export const mysqlDialect: SqlDialect = {
  name: "MySQL",
  quote: (n) => `\`${n.replaceAll("`", "``")}\``,
  key: "`key`",
  text: (column) => `CONVERT(${column} USING utf8mb4)`,
  schema,
  contains: `LOCATE(?, COALESCE(search, LOWER(CONCAT(CONVERT(\`key\` USING utf8mb4) COLLATE ${BIN}, CHAR(10 USING utf8mb4), value)))) > 0`,
  field,
  commit: (t, writes) => (writes.length === 1 ? alone : (s: SqlStatement[]) => s)(checkedCommit(rowCount, t, writes)),
  replace(t, type, key, version, record) {
    // The UPDATE keeps the row's created in a session variable, read by the last statement.
    const [update, check] = checkedReplace(rowCount, t, type, key, version, record);
    update!.sql = update!.sql.replace(" WHERE ", ", created = (@objstore_created := created) WHERE ");
    return alone([update!, check!, { sql: "SELECT @objstore_created AS created", args: [] }]);
  },
  errors,
};
