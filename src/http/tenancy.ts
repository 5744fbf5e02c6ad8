/**
 * What a request sees: the whole store (no token, or a token bound to no tenant) or one tenant's
 * store (a token bound to a tenant, `token:scope@tenant`), and which type names it may send.
 *
 * A request of an unbound token may name the types as the store keeps them (tenants.ts):
 * `acme_Person` (tenant `acme`'s `Person`), `_dsi_users` (a DoubleStringIndex namespace) and
 * `acme__dsi_users`, on the record-level routes and in object reads, which is what the Remote
 * driver's tenants and indexes send. A bound token's request sees its tenant as a whole store:
 * its plain type names are the tenant's types and `_dsi_<namespace>` the tenant's indexes; a name
 * with a tenant prefix is 403 `FORBIDDEN`.
 *
 * @module
 */
import type { Driver } from "../driver.ts";
import { ObjectStoreError } from "../errors.ts";
import { driverOf } from "../store.ts";
import { parseStoredType } from "../tenants.ts";
import type { ObjectStore } from "../types.ts";
import { HttpError } from "./errors.ts";

/** The store a request sees and the tenant its token is bound to (none: the whole store). */
export interface View {
  /** The store the request reads and writes: the server's, or the token's tenant's. */
  store: ObjectStore;
  /** The tenant the token is bound to. */
  tenant?: string;
}

/**
 * Checks a type name of a request whose token is bound to `tenant` (undefined: to none): a
 * valid type or stored name (each part by the type rules, else `INVALID_OBJECT_TYPE`); a bound
 * token's name with a tenant prefix is 403 `FORBIDDEN`.
 *
 * @example
 * ```ts
 * checkStoredType("acme_Person", undefined); // ok; checkStoredType("acme_Person", "beta"): 403
 * ```
 */
export function checkStoredType(type: unknown, tenant: string | undefined): asserts type is string {
  const name = parseStoredType(type);
  if (tenant !== undefined && name.tenants.length > 0) throw crossTenant(type as string, tenant, name.tenants[0]!);
}

/**
 * Whether a type name (already valid) is a plain object type (no tenant, no index).
 *
 * @example
 * ```ts
 * isPlainType("Person"); // true; "acme_Person" and "_dsi_users" are not
 * ```
 */
export function isPlainType(type: string): boolean {
  return !type.includes("_");
}

/**
 * The stored type names the request's store has (`GET /api/types?all=1`): every name for an
 * unbound token; for a bound one its tenant's types and indexes, without the tenant prefix
 * (a tenant's own tenants are out of its reach, so not listed).
 *
 * @example
 * ```ts
 * await storedTypes({ store }); // ["Person", "acme_Person", "_dsi_users"]
 * ```
 */
export async function storedTypes(view: View): Promise<string[]> {
  const driver = recordDriver(view);
  const names = await driver.types();
  if (view.tenant === undefined) return names;
  return names.filter((name) => isPlainType(name) || name.startsWith("_dsi_"));
}

/**
 * The driver record-level routes run on for `view`; `UNSUPPORTED` when the store has none (a
 * store not made by `createStore`).
 *
 * @example
 * ```ts
 * await recordDriver({ store }).get("acme_Person", "ann");
 * ```
 */
export function recordDriver(view: View, what = "record-level requests"): Driver {
  const driver = driverOf(view.store);
  if (!driver) throw new ObjectStoreError("UNSUPPORTED", `This store does not take ${what}`);
  return driver;
}

function crossTenant(type: string, tenant: string, under: string): HttpError {
  const shown = type.length > 60 ? `${type.slice(0, 60)}…` : type;
  return new HttpError(
    403,
    "FORBIDDEN",
    `This token is bound to tenant ${JSON.stringify(tenant)}: its types are named without a prefix; it cannot reach ${JSON.stringify(shown)}, a name under tenant ${JSON.stringify(under)}`,
  );
}
