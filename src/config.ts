/**
 * `parseStoreConfig`: validates a store config and lists every problem with its dotted path
 * (the rules are config-rules.ts). Messages never quote input values, so secrets cannot leak
 * through them.
 *
 * @module
 */
import { at, BAD, type Check, integer, list, optional, record, rule, type Rule, str, strict, typed } from "./config-rules.ts";
import { checkType } from "./validate.ts";
import type { StoreConfig } from "./config-types.ts";
import { SERVER_SCHEMES, serverDialectOf } from "./drivers/sql/schemes.ts";
import { ConfigError, type ConfigIssue } from "./errors.ts";

const nonEmpty = (...checks: Check<string>[]) => str([(s) => s.length >= 1, "must not be empty"], ...checks);
const URL_SCHEMES = ["file:", "libsql://", "http://", "https://", "ws://", "wss://"];
const SUPPORTED = "file:, :memory:, libsql://, http(s)://, ws(s)://";

const hasSupportedScheme = (url: string): boolean => url === ":memory:" || URL_SCHEMES.some((scheme) => url.startsWith(scheme));

function isUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function schemeOf(url: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url);
  return match ? match[0] : "(none)";
}

const libsqlUrl = str(
  [hasSupportedScheme, (url) => `unsupported URL scheme ${JSON.stringify(schemeOf(url))}; supported: ${SUPPORTED}`],
  [(url) => url === ":memory:" || !hasSupportedScheme(url) || isUrl(url), "is not a valid URL"],
);

const SQLALCHEMY_SUPPORTED = `${[...SERVER_SCHEMES.mysql, ...SERVER_SCHEMES.postgres].map((s) => `${s}//`).join(", ")}, sqlite:///path, sqlite://, ${SUPPORTED}`;

/** Reads a server URL into its problems (url.ts's parseServerUrl), once the SQL drivers registered it. */
let serverUrlProblems: ((url: string) => unknown) | undefined;

/**
 * Makes parseStoreConfig check the MySQL and PostgreSQL URLs of SQLAlchemy configs with
 * `parse` (what `@objstore/objstore/libsql` does, with the SQL layer's URL reader). Without it
 * a server URL is checked for its scheme only (the store cannot be made without that module).
 *
 * @example
 * ```ts
 * checkServerUrlsWith(parseServerUrl);
 * ```
 */
export function checkServerUrlsWith(parse: (url: string) => unknown): void {
  serverUrlProblems = parse;
}

/**
 * The seed's SQLAlchemy URLs: MySQL/MariaDB and PostgreSQL servers (checked by parseServerUrl),
 * `sqlite:///path` and `sqlite://`, and every libSQL URL.
 */
const sqlalchemyUrl: Rule<string> = (input, path, issues) => {
  const url = str()(input, path, issues);
  if (url === BAD) return BAD;
  const problem = (message: string) => issues.push({ path, message });
  if (serverDialectOf(url) !== undefined) {
    const parsed = serverUrlProblems?.(url);
    if (Array.isArray(parsed)) parsed.forEach(problem);
  } else if (url.startsWith("sqlite:")) {
    if (!/^sqlite:\/\/(\/.+)?$/.test(url)) problem("a sqlite URL is sqlite:///relative/path, sqlite:////absolute/path or sqlite:// (in memory)");
  } else if (!hasSupportedScheme(url)) {
    problem(`unsupported URL scheme ${JSON.stringify(schemeOf(url))}; supported: ${SQLALCHEMY_SUPPORTED}`);
  } else if (url !== ":memory:" && !isUrl(url)) {
    problem("is not a valid URL");
  }
  return url;
};

const isHttpUrl = (url: string) => /^https?:\/\/[^\s/?#]+/i.test(url) && isUrl(url);
const HTTP_OR_NONE = 'must be an http(s) URL or "None"';

const matches = (pattern: RegExp, message: string): Check<string> => [(s) => pattern.test(s), message];

/** `"original"`: the tables, items or files the Python original writes (see docs/original.md). */
const LAYOUT = optional(typed<string>((i) => i === "objstore" || i === "original", 'must be "objstore" or "original"'));

const TYPE = (input: unknown) => input;

const objectPrefix = optional(str(matches(/^([A-Za-z][A-Za-z0-9_]{0,62})?$/, "must be an identifier: a letter, then letters, digits or _ (at most 63)")));

/** An empty prefix names the original layout's tables `_objData`, `_ver`, `_idxData`; objstore's own tables need one. */
const emptyPrefix = rule<{ objectPrefix?: string; layout?: string }>((c) => c.objectPrefix !== "" || c.layout === "original", 'may be empty only with "layout": "original"', "objectPrefix");

const oneUrl = rule<{ connectionString?: string; url?: string }>((c) => (c.connectionString === undefined) !== (c.url === undefined), "give exactly one of connectionString or url");

const sqlEntries = (url: Rule<string>) => ({
  Type: TYPE,
  connectionString: optional(url),
  url: optional(url),
  authToken: optional(str()),
  objectPrefix,
  layout: LAYOUT,
});

const LibSQL = strict(sqlEntries(libsqlUrl), oneUrl, emptyPrefix);

const SQLAlchemy = strict(
  sqlEntries(sqlalchemyUrl),
  oneUrl,
  emptyPrefix,
  rule<{ authToken?: string; connectionString?: string; url?: string }>(
    (c) => c.authToken === undefined || serverDialectOf(c.connectionString ?? c.url ?? "") === undefined,
    "applies to libSQL URLs only; a server URL carries its own user and password",
    "authToken",
  ),
);

const SimpleFileStore = strict({ Type: TYPE, BaseLocation: nonEmpty([(p) => !/[/\\]$/.test(p), "must not end with / or \\"]), layout: LAYOUT });

const namePrefix = optional(str(matches(/^[A-Za-z0-9_.-]{1,200}$/, "may only hold letters, digits, _ . and - (1 to 200)")));

const DynamoDB = strict({
  Type: TYPE,
  aws_access_key_id: nonEmpty(),
  aws_secret_access_key: nonEmpty(),
  aws_session_token: optional(str()),
  region_name: nonEmpty(matches(/^[a-z0-9-]+$/, "must be an AWS region name such as eu-west-2")),
  endpoint_url: optional(typed<string>((i) => typeof i === "string", HTTP_OR_NONE, [(url) => url === "None" || isHttpUrl(url), HTTP_OR_NONE]), "None"),
  // A boolean or its text (any case); anything else has the one message.
  single_table_mode: optional<boolean>((input, path, issues) => {
    if (typeof input === "boolean") return input;
    if (typeof input === "string" && /^(true|false)$/i.test(input)) return input.toLowerCase() === "true";
    return issues.push({ path, message: 'must be a boolean or "true"/"false" (any case)' }), BAD;
  }, true),
  objectPrefix: namePrefix,
  layout: LAYOUT,
});

const IndexedDB = strict({ Type: TYPE, dbName: optional(nonEmpty(), "objstore") });

const D1 = strict({
  Type: TYPE,
  binding: optional(str(matches(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "must be a binding name such as DB")), "DB"),
  objectPrefix: optional(str(matches(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be an identifier (letters, digits, _; 1 to 63)"))),
});

const DenoKV = strict({ Type: TYPE, path: optional(nonEmpty()), objectPrefix: namePrefix });

const MS = "must be more than 0 (milliseconds)";

const Remote = strict({
  Type: TYPE,
  url: str([isHttpUrl, "must be an http(s) URL of an objstore HTTP API"]),
  token: optional(str()),
  replication: optional(typed((i) => typeof i === "boolean", "expected true or false")),
  // setTimeout's limit: a longer wait would fire at once.
  timeout: optional(integer(1, MS, [(n) => n <= 2_147_483_647, "must be at most 2147483647 (milliseconds)"]), 30_000),
});

type PolicyInput = { cache: boolean; maxCacheSize?: number; cullToSize?: number; timeout?: number; staleIfError?: number };
const REQUIRED_WITH_CACHE = "is required when cache is true";

const Policy = strict(
  {
    cache: typed((i) => typeof i === "boolean", "expected a boolean"),
    maxCacheSize: optional(integer(2, "must be at least 2")),
    cullToSize: optional(integer(0, "must be at least 0")),
    timeout: optional(integer(1, MS)),
    staleIfError: optional(integer(1, MS)),
  },
  ...(["maxCacheSize", "cullToSize", "timeout"] as const).map((key) => rule<PolicyInput>((p) => !p.cache || p[key] !== undefined, REQUIRED_WITH_CACHE, key)),
  rule<PolicyInput>((p) => p.cullToSize === undefined || p.maxCacheSize === undefined || p.cullToSize < p.maxCacheSize, "must be less than maxCacheSize", "cullToSize"),
  rule<PolicyInput>((p) => p.staleIfError === undefined || p.timeout === undefined || p.staleIfError > p.timeout, "must be more than timeout", "staleIfError"),
);

const Overrides = optional(record(Policy, "expected an object of {type: policy}"));

/** A nested store config (any Type). */
const Config: Rule<StoreConfig> = (input, path, issues) => StoreConfigRule(input, path, issues);

const Migrating = strict({ Type: TYPE, From: Config, To: Config });

function isObjectType(type: string): boolean {
  try {
    checkType(type);
    return true;
  } catch {
    return false;
  }
}

const MultiTenant = strict(
  {
    Type: TYPE,
    stores: list(
      // Tenant names follow the object-type rules (1-100 code points, no "_", no control characters).
      strict({ tenantName: str([isObjectType, 'must be 1 to 100 characters without "_" or control characters (the object-type rules)']), config: Config }),
      "expected a list of {tenantName, config}",
      "must list at least one store",
    ),
  },
  rule<{ stores: { tenantName: string }[] }>((c) => new Set(c.stores.map((s) => s.tenantName)).size === c.stores.length, "lists a tenantName twice", "stores"),
);

const Caching = strict(
  {
    Type: TYPE,
    Main: Config,
    Caching: optional(Config, { Type: "Memory" }),
    DefaultPolicy: Policy,
    TablePolicyOverride: Overrides,
    ObjectTypeOverride: Overrides,
  },
  rule<{ TablePolicyOverride?: object; ObjectTypeOverride?: object }>(
    (c) => c.TablePolicyOverride === undefined || c.ObjectTypeOverride === undefined,
    "give TablePolicyOverride or its alias ObjectTypeOverride, not both",
  ),
);

const Offline = strict({
  Type: TYPE,
  Main: Config,
  Local: Config,
  Types: list(
    str([isObjectType, "must be an object type: 1 to 100 characters, no _, no control characters or lone surrogates"]),
    "expected an array of object types",
    "must list at least one object type",
  ),
  SyncInterval: optional(integer(0, "must be at least 0 (milliseconds; 0 turns background syncs off)"), 30_000),
});

const RULES = new Map<unknown, Rule>([
  ["Memory", strict({ Type: TYPE })],
  ["LibSQL", LibSQL],
  ["SQLAlchemy", SQLAlchemy],
  ["SimpleFileStore", SimpleFileStore],
  ["DynamoDB", DynamoDB],
  ["IndexedDB", IndexedDB],
  ["DenoKV", DenoKV],
  ["D1", D1],
  ["Remote", Remote],
  ["Migrating", Migrating],
  ["Caching", Caching],
  ["MultiTenant", MultiTenant],
  ["Offline", Offline],
]);

const TYPES = '"Memory", "SQLAlchemy", "LibSQL", "SimpleFileStore", "DynamoDB", "IndexedDB", "DenoKV", "D1", "Remote", "Migrating", "Caching", "MultiTenant", "Offline"';

/** The store config of its `Type` (an object without a known Type is one issue). */
const StoreConfigRule: Rule<StoreConfig> = (input, path, issues) => {
  if (!input || typeof input !== "object") return issues.push({ path, message: "expected an object with a Type" }), BAD;
  const type = (input as { Type?: unknown }).Type;
  const check = "Type" in input ? RULES.get(type) : undefined;
  if (check) return check(input, path, issues) as StoreConfig | typeof BAD;
  return issues.push({ path: at(path, "Type"), message: `${type === undefined ? "is required" : "unknown Type"}; expected one of ${TYPES}` }), BAD;
};

/**
 * Validates a store config and returns it with defaults filled in. Throws {@link ConfigError}
 * listing every problem with its path. The MySQL and PostgreSQL URLs of SQLAlchemy configs are
 * read (and their problems listed) once `@objstore/objstore/libsql` is imported.
 *
 * @example
 * ```ts
 * const config = parseStoreConfig({ Type: "DynamoDB", aws_access_key_id: "A", aws_secret_access_key: "S", region_name: "eu-west-2" });
 * config.single_table_mode; // true
 * ```
 */
export function parseStoreConfig(config: unknown): StoreConfig {
  const issues: ConfigIssue[] = [];
  const output = StoreConfigRule(config, "", issues);
  if (issues.length > 0 || output === BAD) throw new ConfigError(issues);
  return output;
}
