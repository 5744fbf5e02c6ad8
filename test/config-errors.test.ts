// Acceptance tests for parseStoreConfig's errors, written from DESIGN.md §1 and §3: unknown keys
// and wrong types are all listed at once, with dotted paths from the root; the LibSQL, cache
// policy and override rules; configs that are not objects.
import { describe, test, expect } from "bun:test";
import "../src/drivers/register/all.ts";
import { ConfigError, ObjectStoreError, parseStoreConfig } from "../mod.ts";
import { configError, dynamoInput as dynamo, issuePaths, seedPolicy as policy } from "./support/config.ts";


/** The distinct issue paths of the ConfigError `input` gives, sorted. */
const paths = (input: unknown): string[] => issuePaths(configError(input));

const caching = (over: Record<string, unknown>) => ({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: policy, ...over });

describe("ConfigError", () => {
  test("is an ObjectStoreError and an Error with code INVALID_CONFIG and name ConfigError", () => {
    const err = configError({ Type: "Nope" });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ConfigError");
    expect(typeof err.message).toBe("string");
    expect(err.message.length).toBeGreaterThan(0);
  });
});

describe("configs that are not objects", () => {
  for (const input of [undefined, null, "Memory", '{"Type":"Memory"}', 42, true, [], [{ Type: "Memory" }]]) {
    test(`${JSON.stringify(input) ?? "undefined"} is a ConfigError`, () => {
      configError(input);
    });
  }

  test("a nested store that is not an object is an error at its path", () => {
    expect(paths({ Type: "Migrating", From: "Memory", To: { Type: "Memory" } })).toEqual(["From"]);
    expect(paths({ Type: "Migrating", From: { Type: "Memory" }, To: null })).toEqual(["To"]);
    for (const path of paths(caching({ Main: [] }))) expect(path.startsWith("Main")).toBe(true);
    expect(paths(caching({ Caching: 5 }))).toEqual(["Caching"]);
  });
});

describe("unknown keys", () => {
  test("on every Type, at the key's path", () => {
    expect(paths({ Type: "Memory", size: 10 })).toEqual(["size"]);
    expect(paths({ Type: "LibSQL", url: ":memory:", prefix: "x" })).toEqual(["prefix"]);
    expect(paths({ Type: "SimpleFileStore", BaseLocation: "/var/datastore", baseLocation: "/x" })).toEqual(["baseLocation"]);
    expect(paths({ ...dynamo, table: "t" })).toEqual(["table"]);
    expect(paths({ Type: "IndexedDB", dbname: "x" })).toEqual(["dbname"]);
    expect(paths({ Type: "Remote", url: "https://api.example.com", authToken: "t" })).toEqual(["authToken"]);
    expect(paths({ Type: "Migrating", From: { Type: "Memory" }, To: { Type: "Memory" }, Via: { Type: "Memory" } })).toEqual(["Via"]);
    expect(paths(caching({ Policy: policy }))).toEqual(["Policy"]);
  });

  test("keys of another Type are unknown", () => {
    expect(paths({ Type: "Memory", BaseLocation: "/var/datastore" })).toEqual(["BaseLocation"]);
    expect(paths({ Type: "IndexedDB", objectPrefix: "app" })).toEqual(["objectPrefix"]);
  });

  test("inside nested stores and policies", () => {
    expect(paths({ Type: "Migrating", From: { Type: "Memory", x: 1 }, To: { Type: "Memory" } })).toEqual(["From.x"]);
    expect(paths(caching({ DefaultPolicy: { ...policy, ttl: 5 } }))).toEqual(["DefaultPolicy.ttl"]);
    expect(paths(caching({ TablePolicyOverride: { Person: { ...policy, size: 1 } } }))).toEqual(["TablePolicyOverride.Person.size"]);
  });
});

describe("wrong types and missing required keys", () => {
  test("LibSQL", () => {
    expect(paths({ Type: "LibSQL", url: 5 })).toEqual(["url"]);
    expect(paths({ Type: "LibSQL", url: ":memory:", authToken: 5 })).toEqual(["authToken"]);
    expect(paths({ Type: "LibSQL", url: ":memory:", objectPrefix: 5 })).toEqual(["objectPrefix"]);
  });

  test("SimpleFileStore: BaseLocation required, a string, no trailing / or \\", () => {
    expect(paths({ Type: "SimpleFileStore" })).toEqual(["BaseLocation"]);
    expect(paths({ Type: "SimpleFileStore", BaseLocation: 5 })).toEqual(["BaseLocation"]);
    expect(paths({ Type: "SimpleFileStore", BaseLocation: "/var/datastore/" })).toEqual(["BaseLocation"]);
    expect(paths({ Type: "SimpleFileStore", BaseLocation: "C:\\data\\" })).toEqual(["BaseLocation"]);
  });

  test("DynamoDB: required keys", () => {
    for (const key of ["aws_access_key_id", "aws_secret_access_key", "region_name"]) {
      const c: Record<string, unknown> = { ...dynamo };
      delete c[key];
      expect(paths(c)).toEqual([key]);
    }
  });

  test("DynamoDB: wrong types", () => {
    expect(paths({ ...dynamo, region_name: 2 })).toEqual(["region_name"]);
    expect(paths({ ...dynamo, aws_access_key_id: ["a"] })).toEqual(["aws_access_key_id"]);
    expect(paths({ ...dynamo, aws_session_token: 1 })).toEqual(["aws_session_token"]);
    expect(paths({ ...dynamo, endpoint_url: false })).toEqual(["endpoint_url"]);
    expect(paths({ ...dynamo, objectPrefix: {} })).toEqual(["objectPrefix"]);
  });

  test("IndexedDB, Remote", () => {
    expect(paths({ Type: "IndexedDB", dbName: 5 })).toEqual(["dbName"]);
    expect(paths({ Type: "Remote" })).toEqual(["url"]);
    expect(paths({ Type: "Remote", url: 5 })).toEqual(["url"]);
    expect(paths({ Type: "Remote", url: "https://api.example.com", token: 5 })).toEqual(["token"]);
    // timeout: ms per request, an integer from 1 to setTimeout's limit
    for (const timeout of [0, -1, 1.5, "30000", null, 2_147_483_648, Infinity]) {
      expect(paths({ Type: "Remote", url: "https://api.example.com", timeout })).toEqual(["timeout"]);
    }
  });

  test("Migrating: From and To required", () => {
    expect(paths({ Type: "Migrating", To: { Type: "Memory" } })).toEqual(["From"]);
    expect(paths({ Type: "Migrating", From: { Type: "Memory" } })).toEqual(["To"]);
    expect(paths({ Type: "Migrating" })).toEqual(["From", "To"]);
  });

  test("Caching: Main and DefaultPolicy required", () => {
    expect(paths({ Type: "Caching", DefaultPolicy: policy })).toEqual(["Main"]);
    expect(paths({ Type: "Caching", Main: { Type: "Memory" } })).toEqual(["DefaultPolicy"]);
  });
});

describe("every problem is listed at once, with dotted paths from the root", () => {
  test("several problems in one flat config", () => {
    expect(paths({ ...dynamo, region_name: 2, single_table_mode: "maybe", extra: true })).toEqual([
      "extra",
      "region_name",
      "single_table_mode",
    ]);
  });

  test("Migrating: problems in From and To", () => {
    expect(paths({ Type: "Migrating", From: { ...dynamo, region_name: 7 }, To: { Type: "IndexedDB", dbName: false } })).toEqual([
      "From.region_name",
      "To.dbName",
    ]);
  });

  test("Caching: Main, DefaultPolicy and TablePolicyOverride problems together", () => {
    const input = {
      Type: "Caching",
      Main: { ...dynamo, single_table_mode: "perhaps" },
      Caching: { Type: "IndexedDB", dbName: 3 },
      DefaultPolicy: { cache: true, maxCacheSize: 100, cullToSize: 100, timeout: 60000 },
      TablePolicyOverride: { Person: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 0 } },
    };
    expect(paths(input)).toEqual([
      "Caching.dbName",
      "DefaultPolicy.cullToSize",
      "Main.single_table_mode",
      "TablePolicyOverride.Person.timeout",
    ]);
  });

  test("deep nesting: Caching > Migrating > DynamoDB", () => {
    const input = caching({
      Main: { Type: "Migrating", From: { Type: "Memory" }, To: { ...dynamo, region_name: null } },
    });
    expect(paths(input)).toEqual(["Main.To.region_name"]);
  });
});

describe("LibSQL / SQLAlchemy: exactly one of connectionString and url; schemes; objectPrefix", () => {
  test("neither is an error", () => {
    configError({ Type: "LibSQL" });
    configError({ Type: "SQLAlchemy", authToken: "t" });
  });

  test("both is an error", () => {
    configError({ Type: "LibSQL", url: ":memory:", connectionString: ":memory:" });
    configError({ Type: "SQLAlchemy", url: "file:a.db", connectionString: "file:b.db" });
  });

  test("inside a nested store, the problem is under its parent", () => {
    const err = configError({ Type: "Migrating", From: { Type: "LibSQL", url: "file:a.db", connectionString: "file:a.db" }, To: { Type: "Memory" } });
    for (const issue of err.issues) expect(issue.path.startsWith("From")).toBe(true);
  });

  for (const url of ["mysql+pymysql://u:p@127.0.0.1:10103/db", "postgres://localhost/db", "sqlite:///x.db", "ftp://host/x", "memory", "", "x.db"]) {
    test(`unsupported ${JSON.stringify(url)} names the supported schemes`, () => {
      const err = configError({ Type: "LibSQL", url });
      expect(err.issues.map((i) => i.path)).toEqual(["url"]);
      const text = err.issues[0]!.message;
      for (const scheme of ["file:", ":memory:", "libsql:", "http", "ws"]) expect(text).toContain(scheme);
    });
  }

  for (const objectPrefix of [
    "x; DROP TABLE objects; --",
    "x'; DROP TABLE objects; --",
    'x" OR 1=1 --',
    "a b",
    "a-b",
    "a.b",
    "main.objects",
    "tbl`",
    "x/*",
    "1abc",
    "",
    "ä",
  ]) {
    test(`objectPrefix ${JSON.stringify(objectPrefix)} is rejected`, () => {
      expect(paths({ Type: "LibSQL", url: ":memory:", objectPrefix })).toEqual(["objectPrefix"]);
    });
  }
});

describe("cache policies", () => {
  const bad: [string, Record<string, unknown>, string[]][] = [
    ["cache missing", { maxCacheSize: 100, cullToSize: 50, timeout: 60000 }, ["cache"]],
    ["cache not a boolean", { ...policy, cache: 1 }, ["cache"]],
    ["maxCacheSize missing", { cache: true, cullToSize: 50, timeout: 60000 }, ["maxCacheSize"]],
    ["cullToSize missing", { cache: true, maxCacheSize: 100, timeout: 60000 }, ["cullToSize"]],
    ["timeout missing", { cache: true, maxCacheSize: 100, cullToSize: 50 }, ["timeout"]],
    ["maxCacheSize 1", { ...policy, maxCacheSize: 1, cullToSize: 0 }, ["maxCacheSize"]],
    ["maxCacheSize 0 (and so cullToSize 0 too big)", { ...policy, maxCacheSize: 0, cullToSize: 0 }, ["cullToSize", "maxCacheSize"]],
    ["maxCacheSize 2.5", { ...policy, maxCacheSize: 2.5, cullToSize: 1 }, ["maxCacheSize"]],
    ["maxCacheSize '100'", { ...policy, maxCacheSize: "100" }, ["maxCacheSize"]],
    ["cullToSize -1", { ...policy, cullToSize: -1 }, ["cullToSize"]],
    ["cullToSize 1.5", { ...policy, cullToSize: 1.5 }, ["cullToSize"]],
    ["cullToSize = maxCacheSize", { ...policy, cullToSize: 100 }, ["cullToSize"]],
    ["cullToSize > maxCacheSize", { ...policy, cullToSize: 101 }, ["cullToSize"]],
    ["cullToSize '50'", { ...policy, cullToSize: "50" }, ["cullToSize"]],
    ["timeout 0", { ...policy, timeout: 0 }, ["timeout"]],
    ["timeout -1", { ...policy, timeout: -1 }, ["timeout"]],
    ["timeout '60000'", { ...policy, timeout: "60000" }, ["timeout"]],
    ["timeout NaN", { ...policy, timeout: Number.NaN }, ["timeout"]],
  ];
  for (const [name, p, rel] of bad) {
    test(`DefaultPolicy: ${name}`, () => {
      expect(paths(caching({ DefaultPolicy: p }))).toEqual(rel.map((r) => `DefaultPolicy.${r}`));
    });
    test(`TablePolicyOverride policy: ${name}`, () => {
      expect(paths(caching({ TablePolicyOverride: { Person: p } }))).toEqual(rel.map((r) => `TablePolicyOverride.Person.${r}`));
    });
    test(`ObjectTypeOverride policy: ${name}`, () => {
      expect(paths(caching({ ObjectTypeOverride: { Order: p } }))).toEqual(rel.map((r) => `ObjectTypeOverride.Order.${r}`));
    });
  }

  test("a policy that is not an object", () => {
    expect(paths(caching({ DefaultPolicy: true }))).toEqual(["DefaultPolicy"]);
    expect(paths(caching({ TablePolicyOverride: { Person: "cache" } }))).toEqual(["TablePolicyOverride.Person"]);
    expect(paths(caching({ TablePolicyOverride: "Person" }))).toEqual(["TablePolicyOverride"]);
  });

  test("an override map that is an array is a wrong type, not a map of '0', '1', ...", () => {
    expect(paths(caching({ TablePolicyOverride: [policy] }))).toEqual(["TablePolicyOverride"]);
    expect(paths(caching({ ObjectTypeOverride: [{ cache: false }] }))).toEqual(["ObjectTypeOverride"]);
  });

  test("an empty policy needs cache", () => {
    expect(paths(caching({ DefaultPolicy: {} }))).toEqual(["DefaultPolicy.cache"]);
    expect(paths(caching({ TablePolicyOverride: { Person: {} } }))).toEqual(["TablePolicyOverride.Person.cache"]);
  });

  test("several bad override entries are all listed", () => {
    const over = { A: { cache: true, maxCacheSize: 1, cullToSize: 0, timeout: 1 }, B: { cache: "no" }, C: { cache: false } };
    expect(paths(caching({ TablePolicyOverride: over }))).toEqual(["TablePolicyOverride.A.maxCacheSize", "TablePolicyOverride.B.cache"]);
  });
});

describe("TablePolicyOverride and ObjectTypeOverride", () => {
  test("giving both is an error", () => {
    configError(caching({ TablePolicyOverride: { A: { cache: false } }, ObjectTypeOverride: { B: { cache: false } } }));
  });

  test("giving both, even empty, is an error", () => {
    configError(caching({ TablePolicyOverride: {}, ObjectTypeOverride: {} }));
  });

  test("giving both inside a nested Caching is reported under its parent", () => {
    const err = configError({
      Type: "Migrating",
      From: { Type: "Memory" },
      To: caching({ TablePolicyOverride: { A: { cache: false } }, ObjectTypeOverride: { A: { cache: false } } }),
    });
    for (const issue of err.issues) expect(issue.path.startsWith("To")).toBe(true);
  });
});
