/**
 * Store features whose code a module brings when imported, so a bundle that never calls them
 * leaves that code out (as drivers do, `drivers/registry.ts`): `store.forTenant` comes with
 * `@objstore/objstore/tenants` and `store.doubleStringIndex` with
 * `@objstore/objstore/double-string-index`. The runtime entry points (`/node`, `/bun`, `/deno`,
 * `/worker`) import both.
 *
 * @module
 */
import type { Driver } from "./driver.ts";
import type { IndexAccess } from "./dsi.ts";
import { ObjectStoreError } from "./errors.ts";
import type { DoubleStringIndex, ObjectStore } from "./types.ts";

/** What the feature modules register. */
export interface StoreFeatures {
  /** `forTenant`: the tenant-name check and the driver of a tenant over the store's driver. */
  tenants?: { check(name: unknown): void; driver(driver: Driver, name: string): Driver };
  /** `doubleStringIndex`: the index of a namespace inside a transaction and over a whole store. */
  doubleStringIndex?: {
    inTransaction(access: IndexAccess, namespace: string): DoubleStringIndex;
    overStore(store: ObjectStore, namespace: string): DoubleStringIndex;
  };
}

const features: StoreFeatures = {};

/** The end of the `UNSUPPORTED` message for a driver or feature whose module was not imported. */
export const ENTRY_POINTS_LOAD_IT = "(@objstore/objstore/node, /bun, /deno and /worker load what they support)";
const MODULES = { tenants: ["forTenant", "tenants"], doubleStringIndex: ["doubleStringIndex", "double-string-index"] } as const;

/**
 * Registers a feature (what its module does when imported).
 *
 * @example
 * ```ts
 * registerStoreFeature("tenants", { check: checkTenantName, driver: tenantDriver });
 * ```
 */
export function registerStoreFeature<K extends keyof StoreFeatures>(name: K, feature: NonNullable<StoreFeatures[K]>): void {
  features[name] = feature;
}

/**
 * The registered feature; `UNSUPPORTED` naming the module to import when it is not.
 *
 * @example
 * ```ts
 * const tenants = storeFeature("tenants"); // throws unless @objstore/objstore/tenants was imported
 * ```
 */
export function storeFeature<K extends keyof StoreFeatures>(name: K): NonNullable<StoreFeatures[K]> {
  const feature = features[name];
  if (feature) return feature;
  const [call, subpath] = MODULES[name];
  throw new ObjectStoreError("UNSUPPORTED", `store.${call} is not loaded: import "@objstore/objstore/${subpath}" ${ENTRY_POINTS_LOAD_IT}`);
}
