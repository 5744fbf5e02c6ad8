// Acceptance tests, from DESIGN.md §3: secrets (`aws_secret_access_key`, `authToken`, `token`,
// URL passwords) never appear in an error's message, issues or cause — also when the secret is
// of the wrong type, the URL is invalid or unsupported, or the config fails for another reason.
import { describe, test, expect } from "bun:test";
import "../src/drivers/register/all.ts";
import { ConfigError, ObjectStoreError, createObjectStoreInstance, parseStoreConfig, type StoreConfig } from "../mod.ts";
import { configError } from "./support/config.ts";

/** Every text of `err` that a caller could log: message, stack, issues, cause chain, JSON. */
function texts(err: unknown): string[] {
  const out: string[] = [String(err)];
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e !== undefined && e !== null; depth++) {
    if (typeof e === "object") {
      const o = e as { message?: unknown; stack?: unknown; issues?: unknown; cause?: unknown };
      out.push(String(o.message), String(o.stack), JSON.stringify(o.issues) ?? "");
      try {
        out.push(JSON.stringify(o) ?? "");
      } catch {
        // cyclic: the other texts still count
      }
      e = o.cause;
    } else {
      out.push(String(e));
      e = undefined;
    }
  }
  return out;
}

function expectNoSecret(err: unknown, secret: string): void {
  for (const text of texts(err)) expect(text).not.toContain(secret);
}


const SECRET = "hunter2-Sup3rS3cret";
const dynamo = { Type: "DynamoDB", aws_access_key_id: "AKIAEXAMPLE", aws_secret_access_key: SECRET, region_name: "eu-west-2" };
const policy = { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60000 };

describe("secrets of the wrong type are not echoed", () => {
  const wrong: [string, unknown][] = [
    ["a number", 31415926535],
    ["an array", [SECRET]],
    ["an object", { value: SECRET }],
    ["a boolean-ish object", { [SECRET]: true }],
  ];
  for (const [what, value] of wrong) {
    const needle = typeof value === "number" ? String(value) : SECRET;
    test(`aws_secret_access_key as ${what}`, () => {
      const err = configError({ ...dynamo, aws_secret_access_key: value });
      expect(err.issues.map((i) => i.path)).toContain("aws_secret_access_key");
      expectNoSecret(err, needle);
    });
    test(`aws_session_token as ${what}`, () => {
      expectNoSecret(configError({ ...dynamo, aws_session_token: value }), needle);
    });
    test(`authToken as ${what}`, () => {
      const err = configError({ Type: "LibSQL", url: "libsql://db.turso.io", authToken: value });
      expect(err.issues.map((i) => i.path)).toContain("authToken");
      expectNoSecret(err, needle);
    });
    test(`token as ${what}`, () => {
      const err = configError({ Type: "Remote", url: "https://api.example.com", token: value });
      expect(err.issues.map((i) => i.path)).toContain("token");
      expectNoSecret(err, needle);
    });
    test(`nested: From.aws_secret_access_key and Main.authToken as ${what}`, () => {
      expectNoSecret(configError({ Type: "Migrating", From: { ...dynamo, aws_secret_access_key: value }, To: { Type: "Memory" } }), needle);
      expectNoSecret(configError({ Type: "Caching", Main: { Type: "LibSQL", url: ":memory:", authToken: value }, DefaultPolicy: policy }), needle);
    });
  }
});

describe("valid secrets in a config that fails for another reason are not echoed", () => {
  test("DynamoDB with bad region_name and single_table_mode", () => {
    expectNoSecret(configError({ ...dynamo, aws_session_token: "SESSION-" + SECRET, region_name: 1, single_table_mode: "nope" }), SECRET);
  });
  test("LibSQL with an unknown key", () => {
    expectNoSecret(configError({ Type: "LibSQL", url: "libsql://db.turso.io", authToken: SECRET, extra: 1 }), SECRET);
  });
  test("Remote with an unknown key", () => {
    expectNoSecret(configError({ Type: "Remote", url: "https://api.example.com", token: SECRET, extra: 1 }), SECRET);
  });
  test("a secret under a misspelled key (tokn, authtoken) is not echoed either", () => {
    expectNoSecret(configError({ Type: "Remote", url: "https://api.example.com", tokn: SECRET }), SECRET);
    expectNoSecret(configError({ Type: "LibSQL", url: ":memory:", authtoken: SECRET }), SECRET);
  });
});

describe("URL passwords", () => {
  const PW = "hunter2pw";

  test("a libsql:// URL with user:password parses", () => {
    const r = parseStoreConfig({ Type: "LibSQL", url: `libsql://user:${PW}@host` }) as unknown as Record<string, unknown>;
    expect(r.url ?? r.connectionString).toBe(`libsql://user:${PW}@host`);
  });

  const bad: [string, Record<string, unknown>][] = [
    ["a mysql URL with an unknown parameter", { Type: "SQLAlchemy", connectionString: `mysql+pymysql://saas_user:${PW}@127.0.0.1:10103/db?x=${PW}` }],
    ["a mysql URL without a database", { Type: "SQLAlchemy", connectionString: `mysql://saas_user:${PW}@127.0.0.1:10103` }],
    ["a postgresql URL with a bad sslmode", { Type: "SQLAlchemy", connectionString: `postgresql://u:${PW}@h/db?sslmode=${PW}` }],
    ["a mysql URL given to LibSQL", { Type: "LibSQL", url: `mysql+pymysql://saas_user:${PW}@127.0.0.1:10103/db` }],
    ["unsupported scheme postgres", { Type: "LibSQL", url: `postgres://user:${PW}@localhost/db` }],
    ["an invalid libsql URL", { Type: "LibSQL", url: `libsql://user:${PW}@[bad` }],
    ["an invalid https URL", { Type: "LibSQL", connectionString: `https://user:${PW}@exa mple.com:99999` }],
    ["both connectionString and url", { Type: "LibSQL", url: `libsql://user:${PW}@host`, connectionString: `libsql://user:${PW}@other` }],
    ["a valid URL with an unknown key beside it", { Type: "LibSQL", url: `libsql://user:${PW}@host`, extra: true }],
    ["a URL in an array", { Type: "LibSQL", url: [`libsql://user:${PW}@host`] }],
    ["an invalid Remote URL", { Type: "Remote", url: `https://user:${PW}@[::1` }],
    ["a Remote URL with an unknown key beside it", { Type: "Remote", url: `https://user:${PW}@api.example.com`, extra: 1 }],
    ["a DynamoDB endpoint_url with a password and a bad region", { ...dynamo, endpoint_url: `http://user:${PW}@localhost:8000`, region_name: 5 }],
  ];
  for (const [what, config] of bad) {
    test(`${what}: ConfigError without the password`, () => {
      expectNoSecret(configError(config), PW);
    });
    test(`${what}, nested in Migrating: ConfigError without the password`, () => {
      expectNoSecret(configError({ Type: "Migrating", From: { Type: "Memory" }, To: config }), PW);
    });
  }
});

describe("createObjectStoreInstance does not leak secrets", () => {
  function thrownBy(fn: () => unknown): unknown {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error("expected a throw");
  }

  test("an invalid config", () => {
    const err = thrownBy(() => createObjectStoreInstance({ ...dynamo, region_name: 3 } as unknown as StoreConfig));
    expect(err).toBeInstanceOf(ConfigError);
    expectNoSecret(err, SECRET);
  });

  for (const config of [
    dynamo,
    { ...dynamo, aws_session_token: SECRET },
    { Type: "LibSQL", url: `libsql://user:${SECRET}@host`, authToken: SECRET },
    { Type: "Remote", url: `https://user:${SECRET}@api.example.com`, token: SECRET },
    { Type: "Migrating", From: { Type: "Memory" }, To: dynamo },
    { Type: "Caching", Main: { Type: "Remote", url: "https://api.example.com", token: SECRET }, DefaultPolicy: policy },
  ]) {
    test(`${config.Type} with secrets: whatever it throws carries no secret`, async () => {
      let store;
      try {
        store = createObjectStoreInstance(config as unknown as StoreConfig);
      } catch (e) {
        expect(e).toBeInstanceOf(ObjectStoreError);
        expectNoSecret(e, SECRET);
        return;
      }
      await store.close();
    });
  }
});
