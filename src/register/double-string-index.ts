/**
 * Importing this module makes `store.doubleStringIndex(namespace)` (and the transaction's) work on
 * stores made by `createObjectStoreInstance` of `@objstore/objstore` (the runtime entry points
 * `/node`, `/bun`, `/deno` and `/worker` import it for you). Without it `doubleStringIndex` throws
 * `UNSUPPORTED`, and a bundle that never calls it carries none of its code.
 *
 * @example
 * ```ts
 * import "@objstore/objstore/double-string-index";
 * import { createObjectStoreInstance } from "@objstore/objstore";
 * const emails = createObjectStoreInstance().doubleStringIndex("Email");
 * await emails.save("ann@example.com", "user-1");
 * ```
 *
 * @module
 */
import { storeIndex, transactionIndex } from "../dsi.ts";
import { registerStoreFeature } from "../store-features.ts";

registerStoreFeature("doubleStringIndex", { inTransaction: transactionIndex, overStore: storeIndex });
