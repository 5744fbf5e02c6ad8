/**
 * `{"Type":"MultiTenant","stores":[{"tenantName","config"}]}`: a separate store per tenant (the
 * original's MultiTenantObjectStore). `getStore(tenantName)` gives a tenant's store; the
 * MultiTenant store holds no objects of its own.
 *
 * @module
 */
import { InvalidInputError, ObjectStoreError } from "./errors.ts";
import { checkTenantName } from "./tenants.ts";
import type { ObjectStore } from "./types.ts";

/** The store a `MultiTenant` config creates. */
export interface MultiTenantObjectStore extends ObjectStore {
  /** The store of `tenantName`; an unknown tenant is `INVALID_ARGUMENT`. Same as `forTenant`. */
  getStore(tenantName: string): ObjectStore;
  /** The configured tenant names, in config order. */
  tenants(): string[];
}

/**
 * A MultiTenant store over one store per tenant.
 *
 * @example
 * ```ts
 * const store = multiTenantStore(new Map([["acme", createObjectStoreInstance()]]));
 * await store.getStore("acme").save("Person", "ann", {});
 * ```
 */
export function multiTenantStore(stores: Map<string, ObjectStore>): MultiTenantObjectStore {
  let closed = false;
  const getStore = (tenantName: string): ObjectStore => {
    checkTenantName(tenantName);
    if (closed) throw new ObjectStoreError("CLOSED", "This store is closed");
    const store = stores.get(tenantName);
    if (!store) throw new InvalidInputError("INVALID_ARGUMENT", `Unknown tenant ${JSON.stringify(tenantName)}: this MultiTenant store has ${[...stores.keys()].join(", ")}`);
    return store;
  };
  const none = (): never => {
    throw new ObjectStoreError(
      "UNSUPPORTED",
      closed ? "This store is closed" : "A MultiTenant store holds no objects of its own: use getStore(tenantName)",
    );
  };
  const reject = async (): Promise<never> => none();
  return {
    kind: "MultiTenant",
    getStore,
    forTenant: getStore,
    tenants: () => [...stores.keys()],
    get: reject,
    page: reject,
    // deno-lint-ignore require-yield
    async *scan() {
      none();
    },
    types: reject,
    transaction: reject,
    save: reject,
    update: reject,
    remove: reject,
    truncate: reject,
    doubleStringIndex: none,
    async close() {
      closed = true;
      await Promise.all([...stores.values()].map((store) => store.close()));
    },
  };
}
