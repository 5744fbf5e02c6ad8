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
 * waits until they are ACTIVE; creation is memoised per table and forgotten on failure.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { type DynamoClient, DynamoError } from "./client.ts";
import { utf8 } from "./codec.ts";

/** The partition of the main table that lists every type ever written. */
export const REGISTRY_PARTITION = "_types";

const MAX_TABLE_NAME = 255;

/** Table naming and creation for one store. */
export interface Tables {
  /** The table holding the type registry (and, in single-table mode, the objects). */
  readonly main: string;
  /** The table holding a type's objects. */
  tableOf(type: string): Promise<string>;
  /** Creates `table` unless it exists, and waits until it is ACTIVE. */
  ensure(table: string): Promise<void>;
  /** Forgets that `table` was ready (it was found missing: deleted behind our back). */
  forget(table: string): void;
}

/** Options of {@link createTables}. */
export interface TablesOptions {
  client: DynamoClient;
  prefix: string;
  singleTable: boolean;
  /** Polling interval while a table is being created, ms. @default 500 */
  pollMs?: number;
  /** Longest wait for a table to become ACTIVE, ms. @default 300000 */
  activeTimeoutMs?: number;
}

/**
 * Names and creates a store's tables.
 *
 * @example
 * ```ts
 * const tables = createTables({ client, prefix: "app_", singleTable: true });
 * await tables.ensure(await tables.tableOf("Person")); // app_objstore
 * ```
 */
export function createTables(options: TablesOptions): Tables {
  const { client, prefix, singleTable } = options;
  const pollMs = options.pollMs ?? 500;
  const activeTimeoutMs = options.activeTimeoutMs ?? 300_000;
  const main = `${prefix}objstore`;
  const names = new Map<string, string>();
  const ready = new Map<string, Promise<void>>();

  const waitActive = async (table: string) => {
    const deadline = Date.now() + activeTimeoutMs;
    for (;;) {
      const answer = await client.call<{ Table?: { TableStatus?: string } }>("DescribeTable", { TableName: table });
      if (answer.Table?.TableStatus === "ACTIVE") return;
      if (Date.now() > deadline) {
        throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB table ${table} did not become ACTIVE in ${activeTimeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };

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
      if (!(e instanceof DynamoError && e.code === "ResourceInUseException")) throw e;
    }
    await waitActive(table);
  };

  return {
    main,
    async tableOf(type) {
      if (singleTable) return main;
      let name = names.get(type);
      if (name === undefined) {
        name = `${main}-${encodeType(type)}`;
        if (name.length > MAX_TABLE_NAME) name = `${main}-_h${await sha256Hex(type)}`;
        names.set(type, name);
      }
      return name;
    },
    forget(table) {
      ready.delete(table);
    },
    ensure(table) {
      let promise = ready.get(table);
      if (!promise) {
        promise = create(table);
        ready.set(table, promise);
        promise.catch(() => ready.delete(table));
      }
      return promise;
    },
  };
}

/**
 * The injective table-name form of a type (see the module docs).
 *
 * @example
 * ```ts
 * encodeType("Ünï Type"); // "_c3_9cn_c3_af_20.type"
 * ```
 */
export function encodeType(type: string): string {
  let out = "";
  for (const ch of type) {
    if (/^[a-z0-9-]$/.test(ch)) out += ch;
    else if (/^[A-Z]$/.test(ch)) out += `.${ch.toLowerCase()}`;
    else for (const byte of utf8(ch)) out += `_${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
