/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"DynamoDB"}` stores
 * (DynamoDB over `fetch`, signed with aws4fetch; the driver loads on first use).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/dynamodb";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "DynamoDB", aws_access_key_id: "A", aws_secret_access_key: "S", region_name: "eu-west-2" });
 * ```
 *
 * @module
 */
import type { DynamoDBConfig } from "../../config-types.ts";
import { lazyDriver } from "../lazy.ts";
import { registerDriver } from "../registry.ts";
import { parseStoreConfig } from "../../config.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["DynamoDB"],
  create(config, { options }) {
    const fetch = options.fetch ?? globalThis.fetch;
    const dynamo = config as DynamoDBConfig;
    if (dynamo.layout === "original") {
      return lazyDriver("DynamoDB", async () => (await import("../dynamodb/original.ts")).originalDynamoDriver({ config: dynamo, fetch }), { replace: false });
    }
    return lazyDriver("DynamoDB", async () => (await import("../dynamodb/driver.ts")).dynamodbDriver({ config: dynamo, fetch }), { replace: false });
  },
});
