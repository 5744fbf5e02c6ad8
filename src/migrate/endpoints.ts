/**
 * The migration job and verify take stores (as `createObjectStoreInstance` makes them) or
 * drivers; both end up as the driver, which reads and writes whole records (versions and
 * stamps kept as they are).
 *
 * @module
 */
import type { Driver } from "../driver.ts";
import { InvalidInputError } from "../errors.ts";
import { driverOf } from "../store.ts";
import type { ObjectStore } from "../types.ts";

/** A store made by `createObjectStoreInstance`/`createStore`, or a driver. */
export type Endpoint = ObjectStore | Driver;

/**
 * The driver of an endpoint.
 *
 * @example
 * ```ts
 * const driver = driverOfEndpoint(createObjectStoreInstance({ Type: "Memory" }), "from");
 * ```
 */
export function driverOfEndpoint(endpoint: Endpoint, name: string): Driver {
  if (endpoint && typeof (endpoint as Driver).commit === "function") return endpoint as Driver;
  const driver = endpoint && driverOf(endpoint as ObjectStore);
  if (!driver) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid ${name}: expected a store made by createObjectStoreInstance, or a driver`);
  return driver;
}
