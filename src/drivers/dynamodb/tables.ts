/**
 * Table names and lazy table creation.
 *
 * - The main table `<objectPrefix>objstore` holds the type registry (partition `_types`) and,
 *   in single-table mode, every object (partition = type).
 * - In multi-table mode each type has its own table `<objectPrefix>objstore-<encoded type>`:
 *   lower-case letters, digits and `-` stay, an upper-case letter becomes `.` + the letter in
 *   lower case, and every other character becomes `_` + the hex of each of its UTF-8 bytes.
 *   Types never contain `_`, `_` is always followed by two hex digits and `.` by a letter, so
 *   the mapping is injective — even ignoring case, as DynamoDB Local's table names do. A name
 *   that would exceed DynamoDB's 255 characters becomes `<objectPrefix>objstore-_h` + the
 *   SHA-256 hex of the type (`h` is not a hex digit, so it cannot clash with the first form).
 *
 * Tables are created on first write (PAY_PER_REQUEST, key `pk` HASH + `sk` RANGE) and the driver
 * waits until they are ACTIVE; concurrent callers share one creation.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { type DynamoClient, isCode } from "./client.ts";
import { utf8 } from "./codec.ts";
import { isMissingTable } from "./listing.ts";

/** The partition of the main table that lists every type ever written. */
export const REGISTRY_PARTITION = "_types";

/** Table naming and creation for one store. */
export interface Tables {
  /** The table holding the type registry (and, in single-table mode, the objects). */
  readonly main: string;
  /** The table holding a type's objects. */
  tableOf(type: string): Promise<string>;
  /**
   * Runs `action`; when a table is missing, creates `tables` (waiting until ACTIVE) and runs it
   * once more.
   */
  creating<T>(tables: string[], action: () => Promise<T>): Promise<T>;
}

const hex = (bytes: Uint8Array, before = "") => Array.from(bytes, (b) => before + b.toString(16).padStart(2, "0")).join("");

/**
 * The injective table-name form of a type (see the module docs).
 *
 * @example
 * ```ts
 * encodeType("Ünï Type"); // "_c3_9cn_c3_af_20.type"
 * ```
 */
export const encodeType = (type: string): string =>
  type.replace(/[^a-z0-9-]/gu, (ch) => (/[A-Z]/.test(ch) ? `.${ch.toLowerCase()}` : hex(utf8(ch), "_")));

/**
 * Names and creates a store's tables.
 *
 * @example
 * ```ts
 * const tables = createTables(client, "app_", true);
 * await tables.tableOf("Person"); // app_objstore
 * ```
 */
export function createTables(client: DynamoClient, prefix: string, singleTable: boolean): Tables {
  const main = `${prefix}objstore`;

  const create = async (table: string) => {
    try {
      await client.call("CreateTable", {
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
      });
    } catch (e) {
      // Another process (or an earlier run) created it: wait for it like for our own.
      if (!isCode(e, "ResourceInUseException")) throw e;
    }
    for (let attempt = 0, deadline = Date.now() + 300_000; ; await client.backoff(attempt++)) {
      const answer = await client.call("DescribeTable", { TableName: table });
      if (answer.Table.TableStatus === "ACTIVE") return;
      if (Date.now() > deadline) throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB table ${table} did not become ACTIVE in 5 minutes`);
    }
  };

  return {
    main,
    async tableOf(type) {
      if (singleTable) return main;
      const name = `${main}-${encodeType(type)}`;
      return name.length > 255 ? `${main}-_h${hex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(type))))}` : name;
    },
    async creating(tables, action) {
      try {
        return await action();
      } catch (e) {
        if (!isMissingTable(e)) throw e;
      }
      // Concurrent callers each ask: all but one hear ResourceInUseException and wait with it.
      await Promise.all(tables.map(create));
      return await action();
    },
  };
}
