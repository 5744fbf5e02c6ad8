/**
 * The migration job and verify, as library functions over drivers.
 *
 * @example
 * ```ts
 * import { migrate, verify } from "./src/migrate/mod.ts";
 * await migrate({ from, to });
 * const { differences } = await verify({ from, to });
 * ```
 *
 * @module
 */
export { type CheckpointStore, memoryCheckpointStore, type MigrationCheckpoint, type ObjectRef } from "./checkpoint.ts";
export { driverOfEndpoint, type Endpoint } from "./endpoints.ts";
export { migrationIdentity, type MigrationIdentity } from "./identity.ts";
export { migrate, type MigrateOptions, type MigrationCounts, type MigrationProgress, type MigrationResult } from "./job.ts";
export { repairKey, type RepairOptions, type RepairOutcome } from "./repair.ts";
export { contentHash, type Difference, verify, type VerifyOptions, type VerifyResult } from "./verify.ts";
