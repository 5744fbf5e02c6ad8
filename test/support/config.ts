/** Helpers shared by the config and env tests. @module */
import { expect } from "bun:test";
import "../../src/drivers/register/all.ts";
import { ConfigError, ObjectStoreError, parseStoreConfig } from "../../mod.ts";

/** A DynamoDB config input with the required keys only (placeholder credentials). */
export const dynamoInput = {
  Type: "DynamoDB",
  aws_access_key_id: "ACCESS_KEY",
  aws_secret_access_key: "SECRET_KEY",
  region_name: "eu-west-2",
};

/** The seed's example cache policy. */
export const seedPolicy = { cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60000 };

/** A parsed config as a plain record (fields checked one by one). */
export type Obj = Record<string, unknown>;

/** parseStoreConfig, with the result as a plain record. */
export function parse(input: unknown): Obj {
  return parseStoreConfig(input) as unknown as Obj;
}

/**
 * The ConfigError parseStoreConfig throws for `input`, checked for shape (code, issues with a
 * path and a message); fails the test if it parses. The failure names only the parsed keys, so
 * no secret of a test config is printed.
 */
export function configError(input: unknown): ConfigError {
  let result: unknown;
  try {
    result = parseStoreConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(ObjectStoreError);
    const err = e as ConfigError;
    expect(err.code).toBe("INVALID_CONFIG");
    expect(Array.isArray(err.issues)).toBe(true);
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(typeof issue.path).toBe("string");
      expect(typeof issue.message).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
    }
    return err;
  }
  throw new Error(`expected a ConfigError, but the config parsed (keys: ${Object.keys(result as object).join(",")})`);
}

/** The distinct issue paths of an error, sorted. */
export function issuePaths(err: ConfigError): string[] {
  return [...new Set(err.issues.map((i) => i.path))].sort();
}

/** What `fn` throws synchronously (fails the test if it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a synchronous throw");
}
