import "../src/drivers/register/all.ts";
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";

const local = useDynamoDBLocal();

if (local.ready) {
  conformance(
    "DynamoDB (multi-table mode)",
    (options) => createObjectStoreInstance(dynamoConfig(local.endpoint(), { single_table_mode: false }), options),
    // Each operation is an HTTP round trip to the emulator: keep the differential run short.
    { differentialOperations: 500 },
  );
}
