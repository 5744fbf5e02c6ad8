// The conformance suite on `"layout": "original"` DynamoDB (single-table mode): the same
// behaviour as every backend, on the Python original's items.
import { createObjectStoreInstance } from "../mod.ts";
import { conformance } from "./conformance/mod.ts";
import { dynamoConfig } from "./support/dynamodb-config.ts";
import { useDynamoDBLocal } from "./support/dynamodb-local.ts";
import { test } from "bun:test";

// Bun only: the driver is the same code on every runtime, and the objstore-layout DynamoDB suites
// already cover each runtime's fetch and signing; a Scan per page makes this suite slow.
const onBun = "Bun" in globalThis;
const local = onBun ? useDynamoDBLocal() : { ready: false, endpoint: () => "" };
if (!onBun) {
  test.skip("original DynamoDB layout conformance (skipped: runs under Bun only, see the comment above)", () => {});
} else if (local.ready) {
  conformance(
    "DynamoDB, original layout",
    (options) => createObjectStoreInstance(dynamoConfig(local.endpoint(), { layout: "original" }), options),
    // Every page is a Scan of the table: keep the differential run short.
    { differentialOperations: 300, slowTimeout: 120_000 },
  );
} else {
  test.skip("original DynamoDB layout conformance (skipped: no DynamoDB Local, see the message above)", () => {});
}
