/**
 * The connection of the IndexedDB driver: an idb-keyval `UseStore` (the custom-store callback
 * that hands out the raw `IDBObjectStore`) over an injected `IDBFactory`, opened on first use
 * and reopened after the browser closed it.
 *
 * idb-keyval's own `createStore` takes the global `indexedDB` and keeps its connection open
 * when another tab upgrades or deletes the database (blocking that tab); this one closes on
 * `versionchange`, forgets the connection on `close`, and opens again on next use.
 *
 * @module
 */
import type { UseStore } from "idb-keyval";

/**
 * A `UseStore` plus a way to close its connection for good.
 *
 * @example
 * ```ts
 * const connection = openConnection(() => indexedDB, "objstore", "objects");
 * connection.close();
 * ```
 */
export interface Connection {
  use: UseStore;
  close(): void;
}

/**
 * Opens `dbName` lazily (no I/O until the first `use`), creating `storeName` when missing.
 *
 * @example
 * ```ts
 * const { use } = openConnection(() => indexedDB, "objstore", "objects");
 * await use("readonly", (store) => promisifyRequest(store.count()));
 * ```
 */
export function openConnection(factory: () => IDBFactory, dbName: string, storeName: string): Connection {
  let current: Promise<IDBDatabase> | undefined;
  let closed = false;

  const forget = (db: Promise<IDBDatabase>) => {
    if (current === db) current = undefined;
  };

  const connect = (): Promise<IDBDatabase> => {
    const opening = openWithStore(factory(), dbName, storeName).then((db) => {
      // Another tab upgrades or deletes the database: let it, and reopen on next use.
      db.onversionchange = () => {
        db.close();
        forget(opening);
      };
      // The browser closed the connection (storage cleared, disk error): reopen on next use.
      db.onclose = () => forget(opening);
      if (closed) db.close();
      return db;
    });
    opening.catch(() => forget(opening));
    return opening;
  };

  const use: UseStore = async (mode, callback) => {
    for (let attempt = 0; ; attempt++) {
      const opening = (current ??= connect());
      const db = await opening;
      let transaction: IDBTransaction;
      try {
        transaction = db.transaction(storeName, mode);
      } catch (error) {
        // The connection closed between our last use and now (without an event we saw).
        if (attempt === 0 && !closed && (error as DOMException)?.name === "InvalidStateError") {
          forget(opening);
          continue;
        }
        throw error;
      }
      return callback(transaction.objectStore(storeName));
    }
  };

  return {
    use,
    close() {
      closed = true;
      const opening = current;
      current = undefined;
      opening?.then((db) => db.close(), () => {});
    },
  };
}

/** Opens the database at its current version, upgrading it once when `storeName` is missing. */
async function openWithStore(factory: IDBFactory, dbName: string, storeName: string): Promise<IDBDatabase> {
  const db = await open(factory, dbName, undefined, storeName);
  if (db.objectStoreNames.contains(storeName)) return db;
  // The database exists without our store (made by other code): add it in a version upgrade.
  const version = db.version + 1;
  db.close();
  return open(factory, dbName, version, storeName);
}

function open(factory: IDBFactory, dbName: string, version: number | undefined, storeName: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory.open(dbName) : factory.open(dbName, version);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
