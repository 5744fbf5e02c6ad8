/**
 * Importing this module lets `createObjectStoreInstance` build `{"Type":"Offline"}` stores: a
 * local-first replica of some types of `Main` kept in `Local`, writable offline (see
 * docs/offline.md). The stores inside need their own drivers imported (Memory is built in).
 *
 * @example
 * ```ts
 * import "@objstore/objstore/offline";
 * import "@objstore/objstore/remote";
 * import "@objstore/objstore/indexeddb";
 * import { createObjectStoreInstance, type OfflineObjectStore } from "@objstore/objstore";
 * const store = createObjectStoreInstance({ Type: "Offline", Main: { Type: "Remote", url: "https://api.example.com" },
 *   Local: { Type: "IndexedDB", dbName: "notes" }, Types: ["Note"] }) as OfflineObjectStore;
 * ```
 *
 * @module
 */
import { offlineDriver } from "../../composites/offline/driver.ts";
import type { ChangesSource } from "../../composites/offline/types.ts";
import { parseStoreConfig } from "../../config.ts";
import type { OfflineConfig, StoreConfig } from "../../config-types.ts";
import type { CreateOptions } from "../../create.ts";
import { registerDriver } from "../registry.ts";

registerDriver({
  parseConfig: parseStoreConfig,
  types: ["Offline"],
  create(config, { options, driverFor }) {
    const { Main, Local, Types, SyncInterval } = config as OfflineConfig;
    return offlineDriver({
      main: driverFor(Main),
      local: driverFor(Local),
      types: Types,
      syncInterval: SyncInterval,
      changes: Main.Type === "Remote" ? remoteChangesOf(Main.url, Main.token, options) : undefined,
      now: options.now,
      onConflict: options.onConflict,
      onStatus: options.onStatus,
      shared: sharedName(Local),
    });
  },
});

/** The change feed of a Remote Main, loaded on first use. */
function remoteChangesOf(url: string, token: string | undefined, options: CreateOptions): ChangesSource {
  const fetch = options.fetch ?? globalThis.fetch;
  let feed: Promise<ChangesSource> | undefined;
  return {
    async changes(request) {
      feed ??= import("../../composites/offline/remote-changes.ts").then((m) => m.remoteChanges({ url, token, fetch }));
      return (await feed).changes(request);
    },
  };
}

/** A name every Offline store over the same persistent Local shares (tabs, processes). */
function sharedName(local: StoreConfig): string | undefined {
  if (local.Type === "IndexedDB") return `objstore-offline:indexeddb:${local.dbName}`;
  if (local.Type === "SimpleFileStore") return `objstore-offline:file:${local.BaseLocation}`;
  if (local.Type === "DenoKV" && local.path) return `objstore-offline:denokv:${local.path}`;
  if (local.Type === "LibSQL" || local.Type === "SQLAlchemy") {
    const url = local.url ?? local.connectionString ?? "";
    return url.startsWith("file:") ? `objstore-offline:libsql:${url}` : undefined;
  }
  return undefined;
}
