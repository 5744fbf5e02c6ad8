/**
 * The listing limits (at most 32 distinct query terms and 32 sort fields) are checked by the
 * store layer before any backend is asked, and by the HTTP API's driver-level query route.
 * The per-backend behaviour is in the conformance suite (test/conformance/limits.ts).
 */
import { expect, test } from "bun:test";
import { InvalidInputError } from "../mod.ts";
import type { Driver } from "../src/driver.ts";
import { memoryDriver } from "../src/drivers/memory.ts";
import { queryRecords } from "../src/http/records.ts";
import { MAX_QUERY_TERMS, MAX_SORT_FIELDS } from "../src/query.ts";
import { createStore } from "../src/store.ts";
import { collect, expectError } from "./conformance/harness.ts";

const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test("over the limits, no listing reaches the driver", async () => {
  const inner = memoryDriver();
  const calls: string[] = [];
  const driver: Driver = {
    ...inner,
    page: (type, request) => (calls.push("page"), inner.page(type, request)),
    scan: (type, terms) => (calls.push("scan"), inner.scan(type, terms)),
  };
  const store = createStore(driver);
  await store.save("T", "k", 1);
  const query = many(MAX_QUERY_TERMS + 1, "t").join(" ");
  const sort = many(MAX_SORT_FIELDS + 1, "f").join(",");
  await expectError(store.page("T", { query }), InvalidInputError, "INVALID_ARGUMENT");
  await expectError(store.page("T", { sort }), InvalidInputError, "INVALID_ARGUMENT");
  await expectError(collect(store.scan("T", { query })), InvalidInputError, "INVALID_ARGUMENT");
  await expectError(store.transaction((tx) => tx.page("T", { query })), InvalidInputError, "INVALID_ARGUMENT");
  expect(calls).toEqual([]);
  await store.page("T", { query: many(MAX_QUERY_TERMS, "t").join(" "), sort: many(MAX_SORT_FIELDS, "f").join(",") });
  expect(calls).toEqual(["page"]);
  await store.close();
});

test("the HTTP API's driver-level query has the same limits", async () => {
  const base = { type: "T", terms: [], sort: [], offset: 0, limit: 10, count: true };
  const driver = memoryDriver();
  expect((await queryRecords(driver, { ...base, terms: many(MAX_QUERY_TERMS, "t") }, 100)).total).toBe(0);
  await expectError(queryRecords(driver, { ...base, terms: many(MAX_QUERY_TERMS + 1, "t") }, 100), InvalidInputError, "INVALID_ARGUMENT");
  const sort = (n: number) => many(n, "f").map((field) => ({ field, desc: false }));
  expect((await queryRecords(driver, { ...base, sort: sort(MAX_SORT_FIELDS) }, 100)).total).toBe(0);
  await expectError(queryRecords(driver, { ...base, sort: sort(MAX_SORT_FIELDS + 1) }, 100), InvalidInputError, "INVALID_ARGUMENT");
});
