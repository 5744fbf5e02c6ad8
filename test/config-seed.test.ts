// Acceptance tests for parseStoreConfig, from DESIGN.md §3 and the seed's config page
// (SEED-datastore-type-options.md): the seed's examples parse (its mysql one included), and Type
// names are exact and case-sensitive.
import { describe, test, expect } from "bun:test";
import "../src/drivers/register/all.ts";
import { ConfigError, ObjectStoreError, parseStoreConfig } from "../mod.ts";
import { configError, issuePaths as paths, type Obj, parse, seedPolicy as policy } from "./support/config.ts";



describe("the seed's examples (SEED-datastore-type-options.md)", () => {
  test("Memory", () => {
    expect(parse(JSON.parse('{"Type":"Memory"}'))).toEqual({ Type: "Memory" });
  });

  test("SimpleFileStore", () => {
    expect(parse({ Type: "SimpleFileStore", BaseLocation: "/var/datastore" }).BaseLocation).toBe("/var/datastore");
  });

  test("DynamoDB, single_table_mode 'True'", () => {
    const seed = {
      Type: "DynamoDB",
      aws_access_key_id: "ACCESS_KEY",
      aws_secret_access_key: "SECRET_KEY",
      region_name: "eu-west-2",
      endpoint_url: "http://localhost:8000",
      single_table_mode: "True",
    };
    expect(parse(seed)).toEqual({ ...seed, single_table_mode: true });
  });

  test("Migrating with two nested stores", () => {
    const r = parse({ Type: "Migrating", From: { Type: "Memory" }, To: { Type: "SimpleFileStore", BaseLocation: "/var/datastore" } });
    expect(r.From).toEqual({ Type: "Memory" });
    expect(r.To).toEqual({ Type: "SimpleFileStore", BaseLocation: "/var/datastore" });
  });

  test("Caching with the seed's policy, a table override and Caching missing", () => {
    const r = parse({
      Type: "Caching",
      Main: { Type: "SimpleFileStore", BaseLocation: "/var/datastore" },
      DefaultPolicy: { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60000 },
      TablePolicyOverride: { TableName: { cache: false } },
    });
    expect(r.Caching).toEqual({ Type: "Memory" });
    expect(r.DefaultPolicy).toEqual({ cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60000 });
    expect(r.TablePolicyOverride).toEqual({ TableName: { cache: false } });
  });

  test("SQLAlchemy with the seed's mysql+pymysql:// URL parses unchanged", () => {
    const connectionString = "mysql+pymysql://saas_user_man_user:saas_user_man_testing_password@127.0.0.1:10103/saas_user_man_rad";
    expect(parse({ Type: "SQLAlchemy", connectionString })).toEqual({ Type: "SQLAlchemy", connectionString });
  });

  test("SQLAlchemy with an unknown scheme is a ConfigError naming the supported ones", () => {
    const err = configError({ Type: "SQLAlchemy", connectionString: "oracle://u:p@h/db" });
    expect(paths(err)).toEqual(["connectionString"]);
    const text = err.issues.map((i) => i.message).join(" ");
    for (const scheme of ["mysql+pymysql://", "mariadb://", "postgresql://", "postgres://", "sqlite:///", "file:", ":memory:", "libsql:", "http", "ws"]) expect(text).toContain(scheme);
  });

});

describe("Type names are exact and case-sensitive", () => {
  for (const Type of ["memory", "MEMORY", "sqlalchemy", "libsql", "Libsql", "dynamodb", "DynamoDb", "simplefilestore", "indexeddb", "remote", "migrating", "caching", "Memory ", " Memory", "Postgres", ""]) {
    test(`Type ${JSON.stringify(Type)} is an error at Type`, () => {
      expect(paths(configError({ Type }))).toEqual(["Type"]);
    });
  }

  test("a missing Type is an error", () => {
    configError({});
    configError({ BaseLocation: "/var/datastore" });
  });

  test("a non-string Type is an error at Type", () => {
    for (const Type of [1, true, null, ["Memory"], { name: "Memory" }]) {
      expect(paths(configError({ Type }))).toEqual(["Type"]);
    }
  });

  test("a wrong nested Type is reported under its parent", () => {
    expect(paths(configError({ Type: "Migrating", From: { Type: "memory" }, To: { Type: "Memory" } }))).toEqual(["From.Type"]);
    expect(paths(configError({ Type: "Caching", Main: { Type: "Memory" }, Caching: { Type: "redis" }, DefaultPolicy: policy }))).toEqual(["Caching.Type"]);
  });
});
