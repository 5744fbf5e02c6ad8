/**
 * Where a migration stands, so a killed run resumes where it stopped.
 *
 * @module
 */
import type { MigrationIdentity } from "./identity.ts";

/** Progress saved after every batch. */
export interface MigrationCheckpoint {
  /** Types finished, in the order they were copied. */
  done: string[];
  /** The type being copied and the last key whose batch is complete. */
  type?: string;
  /** The last key of `type` whose batch is complete (the job resumes after it). */
  after?: string;
  /** Objects read from From so far (for progress after a resume). */
  processed: number;
  /** The From and To this checkpoint belongs to (a resume into other stores is refused). */
  identity?: MigrationIdentity;
  /** Objects found newer in To so far (kept, since `preferFrom` was not given), and the first of them. */
  newer?: number;
  /** Objects To held at a newer state than From (left as they are), for the report. */
  newerInTo?: ObjectRef[];
}

/** One object, by type and key. */
export interface ObjectRef {
  /** The object type. */
  type: string;
  /** The key. */
  key: string;
}

/**
 * Keeps a checkpoint somewhere (a file in the CLI, memory in tests).
 *
 * @example
 * ```ts
 * const saved: CheckpointStore = memoryCheckpointStore();
 * await migrate({ from, to, checkpoint: saved });
 * ```
 */
export interface CheckpointStore {
  /** The saved checkpoint, or `undefined` when none was saved. */
  load(): Promise<MigrationCheckpoint | undefined>;
  /** Saves the checkpoint (replacing the previous one). */
  save(checkpoint: MigrationCheckpoint): Promise<void>;
  /** Called when the migration has finished. */
  clear(): Promise<void>;
}

/**
 * A checkpoint store in memory: resumes a run in the same process (after an abort).
 *
 * @example
 * ```ts
 * const checkpoint = memoryCheckpointStore();
 * ```
 */
export function memoryCheckpointStore(): CheckpointStore & { readonly saves: number } {
  let saved: string | undefined;
  let saves = 0;
  return {
    load: async () => (saved === undefined ? undefined : JSON.parse(saved)),
    save: async (checkpoint) => {
      saved = JSON.stringify(checkpoint);
      saves++;
    },
    clear: async () => {
      saved = undefined;
    },
    get saves() {
      return saves;
    },
  };
}
