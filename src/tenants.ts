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
import { checkType } from "./validate.ts";

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
  try {
    checkType(name);
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^Invalid object type[^:]*:?\s*/i, "") : "";
    throw new InvalidInputError("INVALID_ARGUMENT", `Invalid tenant name${why ? `: ${why}` : ""} (tenant names follow the object-type rules: 1 to 100 characters, no "_", no control characters)`);
  }
}

/** Only the types with no `_`: the store's own (no tenant's, no index). */
export function ownTypesOnly(driver: Driver): Driver {
  return { ...bind(driver), types: async (options) => (await driver.types(options)).filter((type) => !type.includes("_")) };
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

/** The driver's methods bound to it (so spreading it keeps `this`-free calls working). */
function bind(driver: Driver): Driver {
  const bound: Driver = {
    kind: driver.kind,
    get: (type, key, options) => driver.get(type, key, options),
    page: (type, request, options) => driver.page(type, request, options),
    scan: (type, terms, options) => driver.scan(type, terms, options),
    types: (options) => driver.types(options),
    commit: (writes) => driver.commit(writes),
    close: () => driver.close(),
  };
  if (driver.replace) bound.replace = (type, key, version, record) => driver.replace!(type, key, version, record);
  return bound;
}
