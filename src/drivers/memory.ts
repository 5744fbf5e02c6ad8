/**
 * The Memory driver: the reference implementation of the driver contract. Commits apply
 * synchronously, so they are atomic by construction.
 *
 * Costs (n = objects of the type): `get`, a create, `save` with a version (one step, `replace`)
 * and `remove` are O(1) map operations, plus O(√n)-ish upkeep of the type's key-ordered index
 * once the type has been paged or scanned; a page in key order is a search and a slice (its
 * `total` is the type's size: free); a page with a query or sort visits the n objects (a query's
 * `total` needs that pass in any case; `total: false` with a query and no sort stops at the
 * page). Search text is cached per object up to a bounded budget.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, satisfies, type Write } from "../driver.ts";
import { matchesTerms, orderKey, searchText } from "../query.ts";
import { pagePicker, selectPage } from "../select.ts";
import { cloneJson } from "../validate.ts";
import { orderedIndex, type OrderedIndex } from "./memory-index.ts";

/**
 * One object: its record's fields held in the entry itself (a listing that visits the type
 * reads one object per entry, not two). Updates set them in place, so the map and the index
 * share the entry.
 */
interface Entry extends DriverRecord {
  readonly key: string;
  /** `orderKey(key)`: the index compares it natively (usually the key itself). */
  readonly order: string;
  /** Cached search text (query.ts searchText), while the cache budget allows. */
  text: string | undefined;
}

interface TypeData {
  entries: Map<string, Entry>;
  /** Entries in key order, kept in step with writes once built. */
  ordered: OrderedIndex<Entry> | undefined;
}

/** UTF-16 code units of search text a driver caches at most (about 2 bytes each). */
const TEXT_BUDGET = 8 * 1024 * 1024;

/**
 * A driver that keeps every object in this process's memory.
 *
 * @example
 * ```ts
 * const store = createStore(memoryDriver()); // what {"Type":"Memory"} creates
 * await store.save("Person", "ann", { name: "Ann" });
 * ```
 */
export function memoryDriver(): Driver {
  const data = new Map<string, TypeData>();
  let cachedText = 0;

  const orderedOf = (type: string): OrderedIndex<Entry> | undefined => {
    const typeData = data.get(type);
    if (!typeData) return undefined;
    return typeData.ordered ??= orderedIndex(typeData.entries.values());
  };
  const textOf = (entry: Entry): string => {
    if (entry.text !== undefined) return entry.text;
    const text = searchText(entry.key, entry.value);
    if (cachedText + text.length <= TEXT_BUDGET) {
      entry.text = text;
      cachedText += text.length;
    }
    return text;
  };
  /** Forgets an entry's cached text (its record changed or it left). */
  const drop = (entry: Entry) => {
    if (entry.text !== undefined) cachedText -= entry.text.length, entry.text = undefined;
  };

  function apply(write: Write): void {
    const typeData = data.get(write.type);
    if (write.op === "truncate") {
      if (typeData) for (const entry of typeData.entries.values()) drop(entry);
      data.delete(write.type);
      return;
    }
    const existing = typeData?.entries.get(write.key);
    if (write.op === "delete") {
      if (!existing) return;
      drop(existing);
      typeData!.entries.delete(write.key);
      if (typeData!.entries.size === 0) data.delete(write.type);
      else typeData!.ordered?.delete(write.key);
      return;
    }
    const { record } = write;
    // A new entry is made with every field (one shape for all), then set like an existing one.
    const entry: Entry = existing ?? { key: write.key, order: orderKey(write.key), value: null, version: "", created: "", updated: "", text: undefined };
    drop(entry);
    entry.value = record.value;
    entry.version = record.version;
    entry.created = record.created;
    entry.updated = record.updated;
    if (existing) return;
    if (!typeData) {
      data.set(write.type, { entries: new Map([[write.key, entry]]), ordered: undefined });
      return;
    }
    typeData.entries.set(write.key, entry);
    typeData.ordered?.add(entry);
  }

  const now = (type: string, key: string): DriverRecord | undefined => {
    const entry = data.get(type)?.entries.get(key);
    return entry && copyRecord(entry);
  };

  return {
    kind: "Memory",
    get: Object.assign(async (type: string, key: string) => now(type, key), { now }),

    async page(type, request: PageRequest): Promise<DriverPage> {
      const ordered = orderedOf(type);
      if (!ordered) return { items: [], total: request.count ? 0 : -1 };
      // Where a page in key order starts: after the cursor's key.
      const first = request.after ? ordered.countThrough(request.after.key) : 0;
      let page: { items: Entry[]; total: number };
      if (request.sort.length === 0 && request.terms.length === 0) {
        // Key order is the stored order: a search and a slice.
        const start = first + request.offset;
        page = { items: ordered.slice(start, start + request.limit), total: request.count ? ordered.size : -1 };
      } else if (request.sort.length === 0 && !request.count) {
        // Key order, no count: walk from the cursor and stop once the page is full.
        const picker = pagePicker(request, (e: Entry) => e, textOf);
        for (const entry of ordered.from(first)) {
          picker.add(entry);
          if (picker.full()) break;
        }
        page = picker.page();
      } else {
        // Any order will do (the picker orders by position): the map's own iterator is the fastest walk.
        page = selectPage(data.get(type)!.entries.values(), request, (e) => e, textOf);
      }
      return { items: page.items.map(copyRecord), total: page.total };
    },

    // Walks by key like a keyset cursor, so writes during the scan never skip or repeat an object.
    async *scan(type, terms) {
      let after: string | undefined;
      for (;;) {
        const ordered = orderedOf(type);
        if (!ordered) return;
        let found: Entry | undefined;
        for (const entry of ordered.from(after === undefined ? 0 : ordered.countThrough(after))) {
          if (terms.length === 0 || matchesTerms(textOf(entry), terms)) {
            found = entry;
            break;
          }
        }
        if (!found) return;
        after = found.key;
        yield copyRecord(found);
      }
    },

    async types() {
      return [...data.keys()];
    },

    // Synchronous from check to apply: nothing can interleave, so the commit is atomic.
    async commit(writes: Write[]) {
      const truncated = new Set<string>();
      writes.forEach((write, index) => {
        if (write.op === "truncate") {
          truncated.add(write.type);
          return;
        }
        const current = truncated.has(write.type) ? undefined : data.get(write.type)?.entries.get(write.key);
        if (!satisfies(write.expect, current?.version)) throw new CommitConflict(index, current?.version);
      });
      for (const write of writes) apply(write);
    },

    // One step: check the version and replace the record in place, keeping `created`.
    async replace(type, key, version, record) {
      const entry = data.get(type)?.entries.get(key);
      if (entry?.version !== version) throw new CommitConflict(0, entry?.version);
      drop(entry);
      entry.value = record.value;
      entry.version = record.version;
      entry.updated = record.updated;
      return entry.created;
    },

    async close() {
      data.clear();
      cachedText = 0;
    },
  };
}

function copyRecord(record: DriverRecord): DriverRecord {
  return { key: record.key, value: cloneJson(record.value), version: record.version, created: record.created, updated: record.updated };
}
