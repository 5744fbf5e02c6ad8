/**
 * The {@link FileSystem} port on Bun: Node's `node:fs` binding (which Bun implements natively)
 * with reads through `Bun.file`, Bun's fastest path.
 *
 * @example
 * ```ts
 * import { bunFileSystem } from "@objstore/objstore/bun";
 * const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: "/var/data" }, { fileSystem: bunFileSystem });
 * ```
 *
 * @module
 */
import type { FileSystem } from "../../src/file-system.ts";
import { createNodeFileSystem } from "./node.ts";

declare const Bun: { file(path: string): { text(): Promise<string> } };

/**
 * The file system of Bun, for the SimpleFileStore driver. `@objstore/objstore/bun` injects it.
 *
 * @example
 * ```ts
 * import { bunFileSystem, createObjectStoreInstance } from "@objstore/objstore/bun";
 * const store = createObjectStoreInstance({ Type: "SimpleFileStore", BaseLocation: "/var/data" }, { fileSystem: bunFileSystem });
 * ```
 */
export const bunFileSystem: FileSystem = createNodeFileSystem({
  async readText(path) {
    try {
      return await Bun.file(path).text();
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === "ENOENT") return undefined;
      throw error;
    }
  },
});
