/**
 * The objstore conformance suite: every driver and composite runs it with a factory
 * that returns a fresh, empty, isolated store per call.
 *
 * @example
 * ```ts
 * import { createObjectStoreInstance } from "../mod.ts";
 * import { conformance } from "./conformance/mod.ts";
 * conformance("Memory", (options) => createObjectStoreInstance({ Type: "Memory" }, options));
 * ```
 * @module
 */
import { describe } from "bun:test";
import { cancelCases } from "./cancel.ts";
import { closeCases } from "./close.ts";
import { conflictCases } from "./conflicts.ts";
import { copyCases } from "./copies.ts";
import { cursorCases } from "./cursor.ts";
import { differentialCases } from "./differential.ts";
import { dsiCases } from "./dsi.ts";
import { type ConformanceSettings, createHarness, type StoreFactory } from "./harness.ts";
import { inputCases } from "./input.ts";
import { limitCases } from "./limits.ts";
import { pagingCases } from "./paging.ts";
import { queryCases } from "./query.ts";
import { removedCases } from "./removed.ts";
import { scanCases } from "./scan.ts";
import { sortCases } from "./sort.ts";
import { tenantCases } from "./tenants.ts";
import { totalCases } from "./total.ts";
import { transactionCases } from "./transactions.ts";
import { typeCases } from "./types.ts";
import { updateCases } from "./update.ts";
import { valueCases } from "./values.ts";
import { versionCases } from "./versions.ts";

export type { ConformanceSettings, StoreFactory };
export { FakeClock, expectError } from "./harness.ts";
export { runDifferential } from "./differential.ts";

/**
 * Registers the whole suite under `describe(name)`. The suite passes `now` (a fake clock)
 * and, where a case needs it, `maxPagesize` in the options, and closes every store it
 * opened after each test.
 */
export function conformance(name: string, factory: StoreFactory, settings: ConformanceSettings = {}): void {
  describe(name, () => {
    const h = createHarness(factory, settings);
    versionCases(h);
    updateCases(h);
    copyCases(h);
    transactionCases(h);
    conflictCases(h);
    removedCases(h);
    typeCases(h);
    pagingCases(h);
    sortCases(h);
    queryCases(h);
    cursorCases(h);
    limitCases(h);
    totalCases(h);
    inputCases(h);
    valueCases(h);
    scanCases(h);
    closeCases(h);
    cancelCases(h);
    differentialCases(h);
    tenantCases(h);
    dsiCases(h);
  });
}
