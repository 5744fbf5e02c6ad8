/**
 * The DenoKV driver (`{"Type":"DenoKV","path"?}`): objects in Deno KV, the database of Deno
 * and Deno Deploy (see `codec.ts` for the layout, `commit.ts` for commits).
 *
 * Costs:
 * - `get`: one `get` (plus one `list` of its chunks for a value above 60,000 bytes);
 * - a page in key order: one `list` from the cursor (or the start) of offset + pagesize entries;
 *   `total` of an unfiltered page is one more read (the type's counter), in parallel;
 * - a queried or sorted page reads every object of the type (in batches of 500), keeping at most
 *   offset + pagesize of them; its `total` comes from the same walk;
 * - `types()`: one `list` of the counters;
 * - a commit: one `getMany` per 10 written objects (in parallel) and one atomic operation;
 * - a versioned save: one `get` and one atomic operation (`replace`).
 *
 * @module
 */
import type { Driver, DriverPage, DriverRecord, PageRequest, Write } from "../../driver.ts";
import { ObjectStoreError } from "../../errors.ts";
import { matchesTerms, searchText } from "../../query.ts";
import { pagePicker } from "../../select.ts";
import { decodeRecord, type Keys, keysOf, type StoredEntry } from "./codec.ts";
import { commitWrites, kvError, replaceObject } from "./commit.ts";
import type { KvDatabase, KvEntryMaybe, KvU64Like, OpenKv } from "./kv.ts";

/** Options of {@link denoKvDriver}. */
export interface DenoKvDriverOptions {
  /** An open database, or how to open one on first use (`Deno.openKv`). */
  kv: KvDatabase | OpenKv;
  /** Where the database is (a file, `:memory:`, a URL); none: the default database. */
  path?: string;
  /** First part of every key: stores with different prefixes share nothing. @default "objstore" */
  objectPrefix?: string;
}

const PREFIX = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * A driver over Deno KV. A database it opened is closed by `close()`; one passed in is not.
 *
 * @example
 * ```ts
 * const store = createStore(denoKvDriver({ kv: await Deno.openKv(":memory:") }));
 * ```
 */
export function denoKvDriver(options: DenoKvDriverOptions): Driver {
  const prefix = options.objectPrefix ?? "objstore";
  if (!PREFIX.test(prefix)) {
    throw new ObjectStoreError("INVALID_CONFIG", "DenoKV objectPrefix may only hold letters, digits, _ . and - (1 to 200)");
  }
  const keys = keysOf(prefix);
  const opens = typeof options.kv === "function";
  let opening: Promise<KvDatabase> | undefined;
  const db = (): Promise<KvDatabase> => {
    if (!opens) return Promise.resolve(options.kv as KvDatabase);
    opening ??= (options.kv as OpenKv)(options.path).catch((error) => {
      opening = undefined;
      throw kvError(error, "open");
    });
    return opening;
  };
  const guard = async <T>(what: string, run: (kv: KvDatabase) => Promise<T>): Promise<T> => {
    const kv = await db();
    try {
      return await run(kv);
    } catch (error) {
      throw kvError(error, what);
    }
  };

  return {
    kind: "DenoKV",

    get: (type, key) =>
      guard("get", async (kv) => {
        const found = await kv.get(keys.object(type, key));
        return found.value === null ? undefined : await complete(kv, keys, type, key, found);
      }),

    page: (type, request) => guard("page", (kv) => pageOf(kv, keys, type, request)),

    async *scan(type, terms) {
      const kv = await db();
      try {
        for await (const record of walk(kv, keys, type)) {
          if (terms.length === 0 || matchesTerms(searchText(record.key, record.value), terms)) yield record;
        }
      } catch (error) {
        throw kvError(error, "scan");
      }
    },

    types: () =>
      guard("types", async (kv) => {
        const out: string[] = [];
        for await (const e of kv.list({ prefix: keys.counts() })) {
          if ((e.value as KvU64Like).value > 0n) out.push(e.key[1] as string);
        }
        return out;
      }),

    commit: async (writes: Write[]) => commitWrites(await db(), keys, writes),

    replace: async (type, key, version, record) => replaceObject(await db(), keys, type, key, version, record),

    async close() {
      if (!opens || !opening) return;
      const kv = await opening.catch(() => undefined);
      opening = undefined;
      kv?.close();
    },
  };
}

/** The record of an entry read from the database, with its chunks read when it has them. */
async function complete(kv: KvDatabase, keys: Keys, type: string, key: string, found: KvEntryMaybe): Promise<DriverRecord | undefined> {
  for (let attempt = 0; ; attempt++) {
    const entry = found.value as StoredEntry | null;
    if (entry === null) return undefined;
    if (!entry.id) return decodeRecord(key, entry);
    const chunks: Uint8Array[] = [];
    for await (const e of kv.list({ prefix: keys.chunks(type, key, entry.id) })) chunks.push(e.value as Uint8Array);
    // Fewer chunks than written: the object was rewritten between the two reads. Read it again.
    if (chunks.length === entry.parts) return decodeRecord(key, entry, chunks);
    if (attempt > 20) throw new ObjectStoreError("BACKEND_ERROR", `Deno KV: the chunks of ${type}/${key} are incomplete`);
    found = await kv.get(keys.object(type, key));
  }
}

/** Every object of a type in key order, strictly after `after`. */
async function* walk(kv: KvDatabase, keys: Keys, type: string, after?: string, limit?: number): AsyncGenerator<DriverRecord> {
  const selector = after === undefined ? { prefix: keys.type(type) } : { prefix: keys.type(type), start: keys.object(type, after) };
  let n = 0;
  const options = limit === undefined ? { batchSize: 500 } : { batchSize: Math.min(500, limit + 1), limit: limit + 1 };
  for await (const e of kv.list(selector, options)) {
    const key = e.key[2] as string;
    if (key === after) continue;
    if (limit !== undefined && n++ >= limit) return;
    // Inline values decode at once; only chunked ones need another read.
    const entry = e.value as StoredEntry;
    const record = entry.id ? await complete(kv, keys, type, key, e) : decodeRecord(key, entry);
    if (record) yield record;
  }
}

async function pageOf(kv: KvDatabase, keys: Keys, type: string, request: PageRequest): Promise<DriverPage> {
  const { offset, limit, terms, sort } = request;
  if (sort.length === 0 && terms.length === 0) {
    const count = async () => {
      const found = await kv.get(keys.count(type));
      return found.value === null ? 0 : Number((found.value as KvU64Like).value);
    };
    const items = async () => {
      const out: DriverRecord[] = [];
      if (limit === 0) return out;
      let seen = 0;
      for await (const record of walk(kv, keys, type, request.after?.key, offset + limit)) {
        if (seen++ >= offset && out.push(record) >= limit) break;
      }
      return out;
    };
    const [total, records] = await Promise.all([request.count ? count() : -1, items()]);
    return { items: records, total };
  }
  const picker = pagePicker(request, (r: DriverRecord) => r);
  // Unsorted and uncounted: the matches after the cursor are all that can be on the page.
  const from = sort.length === 0 && !request.count ? request.after?.key : undefined;
  for await (const record of walk(kv, keys, type, from)) {
    picker.add(record);
    // In key order (no sort), the first offset + limit matches are the page.
    if (sort.length === 0 && picker.full()) break;
  }
  return picker.page();
}
