/**
 * `parseStoreConfig`: validates a store config with valibot and lists every problem with its
 * dotted path. Messages never quote input values, so secrets cannot leak through them.
 *
 * @module
 */
import * as v from "valibot";
import { checkType } from "./validate.ts";
import type { StoreConfig } from "./config-types.ts";
import { parseServerUrl, SERVER_SCHEMES, serverDialectOf } from "./drivers/sql/url.ts";
import { ConfigError, type ConfigIssue } from "./errors.ts";

const nonEmpty = () => v.pipe(v.string("expected a string"), v.minLength(1, "must not be empty"));
const SECRET = () => v.string("expected a string");
const URL_SCHEMES = ["file:", ":memory:", "libsql://", "http://", "https://", "ws://", "wss://"];
const SUPPORTED = "file:, :memory:, libsql://, http(s)://, ws(s)://";

const libsqlUrl = () =>
  v.pipe(
    v.string("expected a string"),
    v.check(hasSupportedScheme, (issue) => `unsupported URL scheme ${JSON.stringify(schemeOf(issue.input as string))}; supported: ${SUPPORTED}`),
    v.check((url) => url === ":memory:" || !hasSupportedScheme(url) || isUrl(url), "is not a valid URL"),
  );

const SQLALCHEMY_SUPPORTED = `${[...SERVER_SCHEMES.mysql, ...SERVER_SCHEMES.postgres].map((s) => `${s}//`).join(", ")}, sqlite:///path, sqlite://, ${SUPPORTED}`;

/**
 * The seed's SQLAlchemy URLs: MySQL/MariaDB and PostgreSQL servers (checked by parseServerUrl),
 * `sqlite:///path` and `sqlite://`, and every libSQL URL.
 */
const sqlalchemyUrl = () =>
  v.pipe(
    v.string("expected a string"),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const url = dataset.value;
      if (serverDialectOf(url) !== undefined) {
        const parsed = parseServerUrl(url);
        if (Array.isArray(parsed)) for (const message of parsed) addIssue({ message });
      } else if (url.startsWith("sqlite:")) {
        if (!/^sqlite:\/\/(\/.+)?$/.test(url)) addIssue({ message: "a sqlite URL is sqlite:///relative/path, sqlite:////absolute/path or sqlite:// (in memory)" });
      } else if (!hasSupportedScheme(url)) {
        addIssue({ message: `unsupported URL scheme ${JSON.stringify(schemeOf(url))}; supported: ${SQLALCHEMY_SUPPORTED}` });
      } else if (url !== ":memory:" && !isUrl(url)) {
        addIssue({ message: "is not a valid URL" });
      }
    }),
  );

function hasSupportedScheme(url: string): boolean {
  return url === ":memory:" || URL_SCHEMES.some((scheme) => scheme !== ":memory:" && url.startsWith(scheme));
}

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

const httpUrl = (what: string) =>
  v.pipe(
    v.string("expected a string"),
    v.check((url) => /^https?:\/\/[^\s/?#]+/i.test(url) && isUrl(url), `must be an http(s) URL ${what}`),
  );

const integer = (min: number, message: string) =>
  v.pipe(v.number("expected a number"), v.integer("must be an integer"), v.minValue(min, message));

/** `"original"`: the tables, items or files the Python original writes (see docs/original.md). */
const LAYOUT = v.picklist(["objstore", "original"], 'must be "objstore" or "original"');

const Memory = v.strictObject({ Type: v.literal("Memory") });

const objectPrefix = () =>
  v.optional(
    v.pipe(v.string("expected a string"), v.regex(/^([A-Za-z][A-Za-z0-9_]{0,62})?$/, "must be an identifier: a letter, then letters, digits or _ (at most 63)")),
  );

/** An empty prefix names the original layout's tables `_objData`, `_ver`, `_idxData`; objstore's own tables need one. */
const EMPTY_PREFIX = 'may be empty only with "layout": "original"';

const oneUrl = <T extends { connectionString?: string; url?: string }>() =>
  v.check<T, string>((c) => (c.connectionString === undefined) !== (c.url === undefined), "give exactly one of connectionString or url");

const LibSQL = v.pipe(
  v.strictObject({
    Type: v.literal("LibSQL"),
    connectionString: v.optional(libsqlUrl()),
    url: v.optional(libsqlUrl()),
    authToken: v.optional(SECRET()),
    objectPrefix: objectPrefix(),
    layout: v.optional(LAYOUT),
  }),
  oneUrl(),
  v.forward(v.check((c) => c.objectPrefix !== "" || c.layout === "original", EMPTY_PREFIX), ["objectPrefix"]),
);

const SQLAlchemy = v.pipe(
  v.strictObject({
    Type: v.literal("SQLAlchemy"),
    connectionString: v.optional(sqlalchemyUrl()),
    url: v.optional(sqlalchemyUrl()),
    authToken: v.optional(SECRET()),
    objectPrefix: objectPrefix(),
    layout: v.optional(LAYOUT),
  }),
  oneUrl(),
  v.forward(v.check((c) => c.objectPrefix !== "" || c.layout === "original", EMPTY_PREFIX), ["objectPrefix"]),
  v.forward(
    v.check((c) => c.authToken === undefined || serverDialectOf(c.connectionString ?? c.url ?? "") === undefined, "applies to libSQL URLs only; a server URL carries its own user and password"),
    ["authToken"],
  ),
);

const SimpleFileStore = v.strictObject({
  Type: v.literal("SimpleFileStore"),
  BaseLocation: v.pipe(nonEmpty(), v.check((p) => !/[/\\]$/.test(p), "must not end with / or \\")),
  layout: v.optional(LAYOUT),
});

const DynamoDB = v.strictObject({
  Type: v.literal("DynamoDB"),
  aws_access_key_id: nonEmpty(),
  aws_secret_access_key: v.pipe(SECRET(), v.minLength(1, "must not be empty")),
  aws_session_token: v.optional(SECRET()),
  region_name: v.pipe(nonEmpty(), v.regex(/^[a-z0-9-]+$/, "must be an AWS region name such as eu-west-2")),
  endpoint_url: v.optional(v.union([v.literal("None"), httpUrl('or "None"')], 'must be an http(s) URL or "None"'), "None"),
  single_table_mode: v.optional(
    v.union(
      [v.boolean(), v.pipe(v.string(), v.regex(/^(true|false)$/i), v.transform((s) => s.toLowerCase() === "true"))],
      'must be a boolean or "true"/"false" (any case)',
    ),
    true,
  ),
  objectPrefix: v.optional(v.pipe(v.string("expected a string"), v.regex(/^[A-Za-z0-9_.-]{1,200}$/, "may only hold letters, digits, _ . and - (1 to 200)"))),
  layout: v.optional(LAYOUT),
});

const IndexedDB = v.strictObject({ Type: v.literal("IndexedDB"), dbName: v.optional(nonEmpty(), "objstore") });

const D1 = v.strictObject({
  Type: v.literal("D1"),
  binding: v.optional(v.pipe(v.string("expected a string"), v.regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "must be a binding name such as DB")), "DB"),
  objectPrefix: v.optional(v.pipe(v.string("expected a string"), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be an identifier (letters, digits, _; 1 to 63)"))),
});

const DenoKV = v.strictObject({
  Type: v.literal("DenoKV"),
  path: v.optional(nonEmpty()),
  objectPrefix: v.optional(v.pipe(v.string("expected a string"), v.regex(/^[A-Za-z0-9_.-]{1,200}$/, "may only hold letters, digits, _ . and - (1 to 200)"))),
});

const Remote = v.strictObject({
  Type: v.literal("Remote"),
  url: httpUrl("of an objstore HTTP API"),
  token: v.optional(SECRET()),
  replication: v.optional(v.boolean("expected true or false")),
  // setTimeout's limit: a longer wait would fire at once.
  timeout: v.optional(v.pipe(integer(1, "must be more than 0 (milliseconds)"), v.maxValue(2_147_483_647, "must be at most 2147483647 (milliseconds)")), 30_000),
});

const Policy = v.pipe(
  v.strictObject({
    cache: v.boolean("expected a boolean"),
    maxCacheSize: v.optional(integer(2, "must be at least 2")),
    cullToSize: v.optional(integer(0, "must be at least 0")),
    timeout: v.optional(integer(1, "must be more than 0 (milliseconds)")),
    staleIfError: v.optional(integer(1, "must be more than 0 (milliseconds)")),
  }),
  v.forward(v.check((p) => !p.cache || p.maxCacheSize !== undefined, "is required when cache is true"), ["maxCacheSize"]),
  v.forward(v.check((p) => !p.cache || p.cullToSize !== undefined, "is required when cache is true"), ["cullToSize"]),
  v.forward(v.check((p) => !p.cache || p.timeout !== undefined, "is required when cache is true"), ["timeout"]),
  v.forward(
    v.check((p) => p.cullToSize === undefined || p.maxCacheSize === undefined || p.cullToSize < p.maxCacheSize, "must be less than maxCacheSize"),
    ["cullToSize"],
  ),
  v.forward(
    v.check((p) => p.staleIfError === undefined || p.timeout === undefined || p.staleIfError > p.timeout, "must be more than timeout"),
    ["staleIfError"],
  ),
);

const Overrides = v.pipe(
  v.custom<Record<string, unknown>>((x) => typeof x === "object" && x !== null && !Array.isArray(x), "expected an object of {type: policy}"),
  v.record(v.string(), Policy),
);

const Config: v.GenericSchema<unknown, StoreConfig> = v.lazy(() => StoreConfigSchema);

const Migrating = v.strictObject({ Type: v.literal("Migrating"), From: Config, To: Config });

// Tenant names follow the object-type rules (1-100 code points, no "_", no control characters).
const TenantName = v.pipe(
  v.string("expected a string"),
  v.check((name) => {
    try {
      checkType(name);
      return true;
    } catch {
      return false;
    }
  }, 'must be 1 to 100 characters without "_" or control characters (the object-type rules)'),
);

const MultiTenant = v.pipe(
  v.strictObject({
    Type: v.literal("MultiTenant"),
    stores: v.pipe(
      v.array(v.strictObject({ tenantName: TenantName, config: Config }), "expected a list of {tenantName, config}"),
      v.minLength(1, "must list at least one store"),
    ),
  }),
  v.forward(
    v.check((c) => new Set(c.stores.map((s) => s.tenantName)).size === c.stores.length, "lists a tenantName twice"),
    ["stores"],
  ),
);

const Caching = v.pipe(
  v.strictObject({
    Type: v.literal("Caching"),
    Main: Config,
    Caching: v.optional(Config, { Type: "Memory" }),
    DefaultPolicy: Policy,
    TablePolicyOverride: v.optional(Overrides),
    ObjectTypeOverride: v.optional(Overrides),
  }),
  v.check(
    (c) => c.TablePolicyOverride === undefined || c.ObjectTypeOverride === undefined,
    "give TablePolicyOverride or its alias ObjectTypeOverride, not both",
  ),
);

const typeName = () =>
  v.pipe(
    v.string("expected a string"),
    v.check(isObjectType, "must be an object type: 1 to 100 characters, no _, no control characters or lone surrogates"),
  );

function isObjectType(type: string): boolean {
  try {
    checkType(type);
    return true;
  } catch {
    return false;
  }
}

const Offline = v.strictObject({
  Type: v.literal("Offline"),
  Main: Config,
  Local: Config,
  Types: v.pipe(v.array(typeName(), "expected an array of object types"), v.minLength(1, "must list at least one object type")),
  SyncInterval: v.optional(integer(0, "must be at least 0 (milliseconds; 0 turns background syncs off)"), 30_000),
});

const StoreConfigSchema = v.variant(
  "Type",
  [Memory, LibSQL, SQLAlchemy, SimpleFileStore, DynamoDB, IndexedDB, DenoKV, D1, Remote, Migrating, Caching, MultiTenant, Offline],
  "expected an object with a Type",
) as unknown as v.GenericSchema<unknown, StoreConfig>;

const TYPES = '"Memory", "SQLAlchemy", "LibSQL", "SimpleFileStore", "DynamoDB", "IndexedDB", "DenoKV", "D1", "Remote", "Migrating", "Caching", "MultiTenant", "Offline"';

/**
 * Validates a store config and returns it with defaults filled in. Throws {@link ConfigError}
 * listing every problem with its path.
 *
 * @example
 * ```ts
 * const config = parseStoreConfig({ Type: "DynamoDB", aws_access_key_id: "A", aws_secret_access_key: "S", region_name: "eu-west-2" });
 * config.single_table_mode; // true
 * ```
 */
export function parseStoreConfig(config: unknown): StoreConfig {
  const result = v.safeParse(StoreConfigSchema, config, { abortEarly: false });
  if (result.success) return result.output;
  throw new ConfigError(result.issues.map(toIssue));
}

function toIssue(issue: v.BaseIssue<unknown>): ConfigIssue {
  const path = v.getDotPath(issue) ?? "";
  return { path, message: messageOf(issue, path) };
}

function messageOf(issue: v.BaseIssue<unknown>, path: string): string {
  if (issue.kind === "validation") return issue.message;
  if (issue.type === "strict_object" && issue.expected === "never") return "unknown key";
  if (issue.type === "strict_object" && issue.received === "undefined") return "is required";
  if (issue.type === "variant") {
    if (path === "" || !path.endsWith("Type")) return "expected an object with a Type";
    return `${issue.received === "undefined" ? "is required" : "unknown Type"}; expected one of ${TYPES}`;
  }
  // Our own messages never quote input; valibot's defaults ("Invalid type: ... but received ...")
  // do, so those are rebuilt from what was expected only.
  return issue.message.startsWith("Invalid ") ? `expected ${issue.expected}` : issue.message;
}
