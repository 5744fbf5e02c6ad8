// Acceptance tests for parseStoreConfig, written from DESIGN.md §3 and the seed's config page
// (SEED-datastore-type-options.md): every config Type is accepted in its documented forms, with
// its defaults filled in.
import { describe, test, expect } from "bun:test";
import "../src/drivers/register/all.ts";
import { ConfigError, ObjectStoreError, parseStoreConfig } from "../mod.ts";
import { configError, dynamoInput as dynamo, issuePaths as paths, type Obj, parse, seedPolicy as policy } from "./support/config.ts";



describe("Memory", () => {
  test("{Type:'Memory'} parses to itself", () => {
    expect(parse({ Type: "Memory" })).toEqual({ Type: "Memory" });
  });
});

describe("LibSQL / SQLAlchemy", () => {
  const accepted = [
    "file:local.db",
    "file:///tmp/objstore-test.db",
    ":memory:",
    "libsql://my-db.turso.io",
    "http://127.0.0.1:8080",
    "https://my-db.turso.io",
    "ws://127.0.0.1:8080",
    "wss://my-db.turso.io",
  ];
  for (const Type of ["LibSQL", "SQLAlchemy"]) {
    for (const key of ["connectionString", "url"]) {
      for (const value of accepted) {
        test(`${Type} with ${key} ${value}`, () => {
          const r = parse({ Type, [key]: value });
          expect(["LibSQL", "SQLAlchemy"]).toContain(r.Type as string);
          expect(r.connectionString ?? r.url).toBe(value);
        });
      }
    }
  }

  test("authToken and objectPrefix are kept", () => {
    const r = parse({ Type: "LibSQL", url: "libsql://db.turso.io", authToken: "tok-123", objectPrefix: "app_" });
    expect(r.url ?? r.connectionString).toBe("libsql://db.turso.io");
    expect(r.authToken).toBe("tok-123");
    expect(r.objectPrefix).toBe("app_");
  });

  test("objectPrefix is optional (default none)", () => {
    const r = parse({ Type: "SQLAlchemy", connectionString: "file:x.db" });
    expect(r.objectPrefix).toBeUndefined();
    expect(r.authToken).toBeUndefined();
  });

  test("identifier-shaped prefixes are accepted", () => {
    for (const objectPrefix of ["app", "app_", "App1", "my_app_v2_", "x"]) {
      expect(parse({ Type: "LibSQL", url: ":memory:", objectPrefix }).objectPrefix).toBe(objectPrefix);
    }
  });
});

describe("SimpleFileStore", () => {
  test("the seed's example parses (BaseLocation is checked at creation, not by the parser)", () => {
    expect(parse({ Type: "SimpleFileStore", BaseLocation: "/var/datastore" })).toEqual({
      Type: "SimpleFileStore",
      BaseLocation: "/var/datastore",
    });
  });

  test("a Windows-style path without trailing backslash parses", () => {
    expect(parse({ Type: "SimpleFileStore", BaseLocation: "C:\\data\\store" }).BaseLocation).toBe("C:\\data\\store");
  });
});

describe("DynamoDB", () => {
  test("defaults: endpoint_url 'None', single_table_mode true", () => {
    expect(parse(dynamo)).toEqual({ ...dynamo, endpoint_url: "None", single_table_mode: true });
  });

  test("all keys given are kept", () => {
    const full = {
      ...dynamo,
      aws_session_token: "SESSION",
      endpoint_url: "http://localhost:8000",
      single_table_mode: false,
      objectPrefix: "app_",
    };
    expect(parse(full)).toEqual(full);
  });

  test("endpoint_url 'None' is accepted as given", () => {
    expect(parse({ ...dynamo, endpoint_url: "None" }).endpoint_url).toBe("None");
  });

  const modes: [unknown, boolean][] = [
    [true, true],
    [false, false],
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["tRuE", true],
    ["false", false],
    ["False", false],
    ["FALSE", false],
    ["fAlSe", false],
  ];
  for (const [given, expected] of modes) {
    test(`single_table_mode ${JSON.stringify(given)} -> ${expected}`, () => {
      expect(parse({ ...dynamo, single_table_mode: given }).single_table_mode).toBe(expected);
    });
  }

  for (const bad of ["yes", "1", "", " true", 1, 0, [], {}]) {
    test(`single_table_mode ${JSON.stringify(bad)} is an error at single_table_mode`, () => {
      expect(paths(configError({ ...dynamo, single_table_mode: bad }))).toEqual(["single_table_mode"]);
    });
  }
});

describe("IndexedDB", () => {
  test("dbName defaults to 'objstore'", () => {
    expect(parse({ Type: "IndexedDB" })).toEqual({ Type: "IndexedDB", dbName: "objstore" });
  });
  test("dbName given is kept", () => {
    expect(parse({ Type: "IndexedDB", dbName: "mine" })).toEqual({ Type: "IndexedDB", dbName: "mine" });
  });
});

describe("Remote", () => {
  test("url alone", () => {
    expect(parse({ Type: "Remote", url: "https://api.example.com" })).toEqual({
      Type: "Remote",
      url: "https://api.example.com",
      timeout: 30_000,
    });
  });
  test("url, token and timeout", () => {
    const c = { Type: "Remote", url: "http://localhost:8787", token: "tok", timeout: 1 };
    expect(parse(c)).toEqual(c);
    expect(parse({ ...c, timeout: 2_147_483_647 })).toEqual({ ...c, timeout: 2_147_483_647 });
  });
});

describe("Migrating", () => {
  test("nested configs are parsed, defaults filled in recursively", () => {
    const r = parse({ Type: "Migrating", From: dynamo, To: { Type: "IndexedDB" } });
    expect(r).toEqual({
      Type: "Migrating",
      From: { ...dynamo, endpoint_url: "None", single_table_mode: true },
      To: { Type: "IndexedDB", dbName: "objstore" },
    });
  });

  test("Migrating inside Migrating", () => {
    const r = parse({
      Type: "Migrating",
      From: { Type: "Migrating", From: { Type: "Memory" }, To: { ...dynamo, single_table_mode: "False" } },
      To: { Type: "Memory" },
    });
    expect(r).toEqual({
      Type: "Migrating",
      From: {
        Type: "Migrating",
        From: { Type: "Memory" },
        To: { ...dynamo, endpoint_url: "None", single_table_mode: false },
      },
      To: { Type: "Memory" },
    });
  });
});

describe("Caching", () => {
  test("Caching defaults to Memory; Main's defaults are filled in", () => {
    const r = parse({ Type: "Caching", Main: dynamo, DefaultPolicy: policy });
    expect(r).toEqual({
      Type: "Caching",
      Main: { ...dynamo, endpoint_url: "None", single_table_mode: true },
      Caching: { Type: "Memory" },
      DefaultPolicy: policy,
    });
  });

  test("an explicit Caching store is kept and parsed", () => {
    const r = parse({ Type: "Caching", Main: { Type: "Memory" }, Caching: { Type: "IndexedDB" }, DefaultPolicy: policy });
    expect(r.Caching).toEqual({ Type: "IndexedDB", dbName: "objstore" });
  });

  test("{cache:false} alone is a valid policy", () => {
    const r = parse({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: { cache: false } });
    expect(r.DefaultPolicy).toEqual({ cache: false });
  });

  test("{cache:false} with the sizes given is valid too", () => {
    const p = { cache: false, maxCacheSize: 100, cullToSize: 50, timeout: 60000 };
    expect(parse({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: p }).DefaultPolicy).toEqual(p);
  });

  test("policy boundaries: maxCacheSize 2, cullToSize 0 and maxCacheSize-1, timeout 1", () => {
    for (const p of [
      { cache: true, maxCacheSize: 2, cullToSize: 0, timeout: 1 },
      { cache: true, maxCacheSize: 2, cullToSize: 1, timeout: 1 },
      { cache: true, maxCacheSize: 1000000, cullToSize: 999999, timeout: 86400000 },
    ]) {
      expect(parse({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: p }).DefaultPolicy).toEqual(p);
    }
  });

  test("TablePolicyOverride with complete policies", () => {
    const over = { Person: { cache: false }, Order: { cache: true, maxCacheSize: 10, cullToSize: 5, timeout: 1000 } };
    const r = parse({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: policy, TablePolicyOverride: over });
    expect(r.TablePolicyOverride).toEqual(over);
  });

  test("ObjectTypeOverride is accepted as the alias of TablePolicyOverride", () => {
    const over = { Person: { cache: true, maxCacheSize: 3, cullToSize: 1, timeout: 5 } };
    const r = parse({ Type: "Caching", Main: { Type: "Memory" }, DefaultPolicy: policy, ObjectTypeOverride: over });
    expect(r.ObjectTypeOverride ?? r.TablePolicyOverride).toEqual(over);
  });

  test("Caching of Migrating of Caching (recursive)", () => {
    const r = parse({
      Type: "Caching",
      Main: {
        Type: "Migrating",
        From: { Type: "Caching", Main: { Type: "IndexedDB" }, DefaultPolicy: { cache: false } },
        To: dynamo,
      },
      DefaultPolicy: policy,
    });
    expect(r).toEqual({
      Type: "Caching",
      Main: {
        Type: "Migrating",
        From: {
          Type: "Caching",
          Main: { Type: "IndexedDB", dbName: "objstore" },
          Caching: { Type: "Memory" },
          DefaultPolicy: { cache: false },
        },
        To: { ...dynamo, endpoint_url: "None", single_table_mode: true },
      },
      Caching: { Type: "Memory" },
      DefaultPolicy: policy,
    });
  });
});
