/**
 * Configs for tests against DynamoDB Local: a fresh, unique `objectPrefix` per store, so every
 * store is empty and isolated (its own tables) inside one emulator.
 *
 * @example
 * ```ts
 * const config = dynamoConfig(local.endpoint(), { single_table_mode: false });
 * ```
 * @module
 */
import "../../src/drivers/register/all.ts";
import type { DynamoDBConfig } from "../../mod.ts";

let counter = 0;
const run = Math.random().toString(36).slice(2, 8);

/** A unique table-name prefix. */
export function uniquePrefix(): string {
  return `t${run}-${++counter}.`;
}

/** A DynamoDB config for the emulator at `endpoint` with a fresh prefix. */
export function dynamoConfig(endpoint: string, extra: Partial<DynamoDBConfig> = {}): DynamoDBConfig {
  return {
    Type: "DynamoDB",
    aws_access_key_id: "AKIDLOCAL",
    aws_secret_access_key: "local-secret-never-shown",
    region_name: "us-east-1",
    endpoint_url: endpoint,
    single_table_mode: true,
    objectPrefix: uniquePrefix(),
    ...extra,
  };
}
