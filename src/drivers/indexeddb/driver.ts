/**
 * The IndexedDB driver (`{"Type":"IndexedDB","dbName":"objstore"}`): every object type in one
 * object store of one database, keyed `[type, key]` (see `keys.ts`), through idb-keyval's
 * custom-store callback. A commit is one readwrite transaction that checks and writes.
 *
 * @module
 */
import { promisifyRequest, type UseStore } from "idb-keyval";
import { CommitConflict, type Driver, type DriverRecord, satisfies, type Write } from "../../driver.ts";
import { BackendError, ObjectStoreError } from "../../errors.ts";
import { matchesTerms, searchText } from "../../query.ts";
import { openConnection } from "./connection.ts";
import { recordKey, typeRange } from "./keys.ts";
import { pageOf, typesOf } from "./listing.ts";

/**
 * The IndexedDB implementation a driver uses: a factory and its key-range class.
 *
 * @example
 * ```ts
 * import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
 * createObjectStoreInstance({ Type: "IndexedDB" }, { indexedDB: { indexedDB: new IDBFactory(), IDBKeyRange } });
 * ```
 */
export interface IndexedDBGlobals {
  /** The IndexedDB factory (`globalThis.indexedDB` in a browser). */
  indexedDB: IDBFactory;
  /** The matching `IDBKeyRange` constructor. */
  IDBKeyRange: typeof IDBKeyRange;
}

/**
 * Options of {@link indexedDBDriver}.
 *
 * @example
 * ```ts
 * indexedDBDriver({ dbName: "my-app" });
 * ```
 */
export interface IndexedDBDriverOptions {
  /** The database holding every object type. @default "objstore" */
  dbName?: string;
  /**
   * The IndexedDB to use (tests pass `fake-indexeddb`'s). Read on first use.
   * @default globalThis (the browser's `indexedDB` and `IDBKeyRange`)
   */
  indexedDB?: IndexedDBGlobals;
  /**
   * An idb-keyval store to use instead of opening `dbName` (e.g. `createStore("app", "objects")`,
   * an object store objstore alone writes to). Its connection is idb-keyval's: it does not
   * close when another tab upgrades or deletes the database.
   */
  useStore?: UseStore;
}

/** The object store inside the database. */
const STORE_NAME = "objects";
/** Records per readonly transaction while scanning. */
const SCAN_BATCH = 100;

/**
 * A driver over the browser's IndexedDB. No I/O until the first operation.
 *
 * @example
 * ```ts
 * const store = createStore(indexedDBDriver({ dbName: "my-app" })); // what {"Type":"IndexedDB"} creates
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function indexedDBDriver(options: IndexedDBDriverOptions = {}): Driver {
  const globals = (): IndexedDBGlobals => {
    const found = options.indexedDB ?? (globalThis as Partial<IndexedDBGlobals>);
    if (!found.indexedDB || !found.IDBKeyRange) {
      throw new ObjectStoreError("UNSUPPORTED", "IndexedDB is not available here: run in a browser, or pass an IndexedDB implementation");
    }
    return found as IndexedDBGlobals;
  };
  const connection = openConnection(() => globals().indexedDB, options.dbName ?? "objstore", STORE_NAME);
  const use = options.useStore ?? connection.use;
  const run = <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore, keyRange: typeof IDBKeyRange) => Promise<T>): Promise<T> =>
    use(mode, (store) => fn(store, globals().IDBKeyRange)).catch((error) => {
      throw backendError(error);
    });

  return {
    kind: "IndexedDB",

    get(type, key) {
      return run("readonly", (store) => promisifyRequest<DriverRecord | undefined>(store.get(recordKey(type, key))));
    },

    page(type, request) {
      return run("readonly", (store, keyRange) => pageOf(store, keyRange, type, request));
    },

    // One short readonly transaction per batch: the caller may await anything between items.
    async *scan(type, terms) {
      let after: string | undefined;
      for (;;) {
        const batch = await run("readonly", (store, keyRange) =>
          promisifyRequest(store.getAll(typeRange(keyRange, type, after), SCAN_BATCH)) as Promise<DriverRecord[]>);
        for (const record of batch) {
          if (terms.length === 0 || matchesTerms(searchText(record.key, record.value), terms)) yield record;
        }
        if (batch.length < SCAN_BATCH) return;
        after = batch[batch.length - 1]!.key;
      }
    },

    types() {
      return run("readonly", (store) => typesOf(store));
    },

    commit(writes) {
      return run("readwrite", (store, keyRange) => commitIn(store, keyRange, writes));
    },

    async close() {
      connection.close();
    },
  };
}

/**
 * Checks and applies `writes` in the transaction of `store`, issuing every request from IDB
 * callbacks only (nothing else is awaited, so the transaction cannot commit early). A failed
 * condition aborts the transaction: nothing is written.
 */
function commitIn(store: IDBObjectStore, keyRange: typeof IDBKeyRange, writes: Write[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const transaction = store.transaction;
    let conflict: CommitConflict | undefined;
    let failure: unknown;
    const abort = (error?: unknown) => {
      if (error !== undefined) failure ??= error;
      try {
        transaction.abort();
      } catch {
        // already finishing
      }
    };
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(conflict ?? transaction.error ?? failure ?? new Error("IndexedDB transaction aborted"));
    try {
      writes.forEach((write, index) => {
        // Truncates come first: later reads in this transaction see their effect.
        if (write.op === "truncate") return void store.delete(typeRange(keyRange, write.type));
        const id = recordKey(write.type, write.key);
        const apply = () => (write.op === "put" ? store.put(write.record, id) : store.delete(id));
        const expect = write.expect;
        if ("any" in expect) return void apply();
        const check = (current: string | undefined) => {
          if (conflict || failure !== undefined) return;
          if (!satisfies(expect, current)) {
            conflict = new CommitConflict(index, current);
            return abort();
          }
          try {
            apply();
          } catch (error) {
            abort(error);
          }
        };
        // The version is needed even for existence checks: a conflict reports what it found.
        const read = store.get(id);
        read.onsuccess = () => check((read.result as DriverRecord | undefined)?.version);
      });
    } catch (error) {
      abort(error);
    }
  });
}

/**
 * Maps an IndexedDB failure to `BACKEND_ERROR` (quota errors say so); ours pass through.
 *
 * @example
 * ```ts
 * backendError(new DOMException("full", "QuotaExceededError")); // BackendError BACKEND_ERROR, cause kept
 * ```
 */
export function backendError(error: unknown): unknown {
  if (error instanceof ObjectStoreError || error instanceof CommitConflict) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "QuotaExceededError") {
    return new BackendError("BACKEND_ERROR", "IndexedDB quota exceeded: the browser refused to store more data", { cause: error });
  }
  return new BackendError("BACKEND_ERROR", `IndexedDB failed${typeof name === "string" ? ` (${name})` : ""}`, { cause: error });
}
