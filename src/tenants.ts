/**
 * Tenants and internal types over one driver.
 *
 * Object types never contain `_` (the input rules), so `_` separates the parts of the names a
 * driver sees:
 * - the store's own types are stored as they are (`Person`), so data written before tenants
 *   existed is the store's own;
 * - a tenant's type `Person` of tenant `acme` is stored as `acme_Person`;
 * - a DoubleStringIndex namespace `users` is stored as `_dsi_users` (and a tenant's as
 *   `acme__dsi_users`).
 * A store lists only the names that are its own and have no `_` left, so it never sees a
 * tenant's types or an index; a tenant sees only names that start with its own prefix.
 *
 * @module
 */
import type { Driver, Write } from "./driver.ts";
import { InvalidInputError } from "./errors.ts";
import { checkType, typeProblemOf } from "./validate.ts";

/** The stored type of a DoubleStringIndex namespace (before any tenant prefix). */
export const indexType = (namespace: string): string => `_dsi_${namespace}`;

/**
 * Checks a tenant name: the object-type rules (1 to 100 code points, no `_`, no control
 * characters, no lone surrogates), with an error that says it is the tenant name.
 *
 * @example
 * ```ts
 * checkTenantName("acme"); // ok; "ac_me" throws INVALID_ARGUMENT
 * ```
 */
export function checkTenantName(name: unknown): asserts name is string {
  const why = typeProblemOf(name);
  if (why !== undefined) {
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid tenant name: ${why} (tenant names follow the object-type rules: 1 to 100 characters, no "_", no control characters)`);
  }
}

/**
 * Only the types with no `_`: the store's own (no tenant's, no index). `driver` is a plain
 * object whose methods do not use `this` (as the store's wrapped driver is), so it is spread.
 */
export function ownTypesOnly(driver: Driver): Driver {
  return { ...driver, types: async (options) => (await driver.types(options)).filter((type) => !type.includes("_")) };
}

/**
 * The driver of tenant `name` over `driver`: every type gets the prefix `name_`, listings keep
 * only the tenant's own types, and `close()` leaves the shared driver open.
 *
 * @example
 * ```ts
 * const acme = tenantDriver(driver, "acme"); // acme.get("Person", "ann") reads "acme_Person"
 * ```
 */
export function tenantDriver(driver: Driver, name: string): Driver {
  const prefix = `${name}_`;
  const to = (type: string) => prefix + type;
  const mapWrite = (write: Write): Write => ({ ...write, type: to(write.type) });
  const tenant: Driver = {
    kind: driver.kind,
    get: (type, key, options) => driver.get(to(type), key, options),
    page: (type, request, options) => driver.page(to(type), request, options),
    scan: (type, terms, options) => driver.scan(to(type), terms, options),
    types: async (options) => (await driver.types(options)).flatMap((type) => (type.startsWith(prefix) ? [type.slice(prefix.length)] : [])),
    commit: (writes) => driver.commit(writes.map(mapWrite)),
    close: async () => {},
  };
  if (driver.replace) tenant.replace = (type, key, version, record) => driver.replace!(to(type), key, version, record);
  return tenant;
}

/** A stored type name taken apart: the tenants it is under (outermost first), then its type or index namespace. */
export type StoredName = { tenants: string[]; type: string; index?: undefined } | { tenants: string[]; index: string; type?: undefined };

const STORED_FORMS = "<Type>, <tenant>_<Type>, _dsi_<namespace> or <tenant>__dsi_<namespace>";

/**
 * Takes apart a name as a driver stores it (see the module doc): `Person`, `acme_Person`,
 * `_dsi_users`, `acme__dsi_users` (and the names of a tenant's tenants, `acme_beta_Person`).
 * Each part follows the object-type rules; anything else is `INVALID_OBJECT_TYPE`, with the
 * message of the type rules for a name without `_`.
 *
 * @example
 * ```ts
 * parseStoredType("acme__dsi_users"); // { tenants: ["acme"], index: "users" }
 * ```
 */
export function parseStoredType(name: unknown): StoredName {
  if (typeof name !== "string" || !name.includes("_")) {
    checkType(name);
    return { tenants: [], type: name };
  }
  const parts = name.split("_");
  const marker = parts.indexOf("");
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  if (marker >= 0 && (parts[marker + 1] !== "dsi" || marker + 3 !== parts.length)) {
    throw new InvalidInputError("INVALID_OBJECT_TYPE", `Invalid object type: ${shown} is neither a type (no "_") nor a stored name (${STORED_FORMS})`);
  }
  const tenants = parts.slice(0, marker >= 0 ? marker : -1);
  const last = parts[parts.length - 1]!;
  const part = (value: string, what: string) => {
    const why = typeProblemOf(value);
    if (why !== undefined) throw new InvalidInputError("INVALID_OBJECT_TYPE", `Invalid object type: the ${what} of stored name ${shown} ${why}`);
  };
  for (const tenant of tenants) part(tenant, "tenant");
  part(last, marker >= 0 ? "index namespace" : "type");
  return marker >= 0 ? { tenants, index: last } : { tenants, type: last };
}
