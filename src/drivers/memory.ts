/**
 * The Memory driver: the reference implementation of the driver contract. Commits apply
 * synchronously, so they are atomic by construction.
 *
 * @module
 */
import { CommitConflict, type Driver, type DriverPage, type DriverRecord, type PageRequest, satisfies, type Write } from "../driver.ts";
import { compareCodePoints, matchesTerms, searchText } from "../query.ts";
import { selectPage } from "../select.ts";
import { cloneJson } from "../validate.ts";

interface Entry {
  record: DriverRecord;
  text: string | undefined;
}

interface TypeData {
  entries: Map<string, Entry>;
  /** Entries in key order, kept in step with writes once built. */
  sorted: Entry[] | undefined;
}

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

  const sortedEntries = (type: string): Entry[] => {
    const typeData = data.get(type);
    if (!typeData) return [];
    typeData.sorted ??= [...typeData.entries.values()].sort((a, b) => compareCodePoints(a.record.key, b.record.key));
    return typeData.sorted;
  };
  const textOf = (entry: Entry): string => (entry.text ??= searchText(entry.record.key, entry.record.value));

  return {
    kind: "Memory",

    async get(type, key) {
      const entry = data.get(type)?.entries.get(key);
      return entry && copyRecord(entry.record);
    },

    async page(type, request: PageRequest): Promise<DriverPage> {
      const entries = sortedEntries(type);
      if (request.sort.length === 0 && request.terms.length === 0) {
        // Key order is the stored order: a binary search and a slice.
        const start = (request.after ? upperBound(entries, request.after.key) : 0) + request.offset;
        const items = entries.slice(start, start + request.limit).map((e) => copyRecord(e.record));
        return { items, total: request.count ? entries.length : -1 };
      }
      const page = selectPage(entries, request, (e) => e.record, textOf);
      return { items: page.items.map((e) => copyRecord(e.record)), total: page.total };
    },

    // Walks by key like a keyset cursor, so writes during the scan never skip or repeat an object.
    async *scan(type, terms) {
      let after: string | undefined;
      for (;;) {
        const entries = sortedEntries(type);
        let i = after === undefined ? 0 : upperBound(entries, after);
        while (i < entries.length && terms.length > 0 && !matchesTerms(textOf(entries[i]!), terms)) i++;
        const entry = entries[i];
        if (!entry) return;
        after = entry.record.key;
        yield copyRecord(entry.record);
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
        if (!satisfies(write.expect, current?.record.version)) {
          throw new CommitConflict(index, current?.record.version);
        }
      });
      for (const write of writes) apply(data, write);
    },

    async close() {
      data.clear();
    },
  };
}

function apply(data: Map<string, TypeData>, write: Write): void {
  if (write.op === "truncate") {
    data.delete(write.type);
    return;
  }
  const typeData = data.get(write.type);
  if (write.op === "delete") {
    if (!typeData?.entries.delete(write.key)) return;
    if (typeData.entries.size === 0) data.delete(write.type);
    else if (typeData.sorted) typeData.sorted.splice(lowerBound(typeData.sorted, write.key), 1);
    return;
  }
  const entry: Entry = { record: write.record, text: undefined };
  if (!typeData) {
    data.set(write.type, { entries: new Map([[write.key, entry]]), sorted: undefined });
    return;
  }
  const existed = typeData.entries.has(write.key);
  typeData.entries.set(write.key, entry);
  if (typeData.sorted) {
    const at = lowerBound(typeData.sorted, write.key);
    typeData.sorted.splice(at, existed ? 1 : 0, entry);
  }
}

/** Index of the first entry whose key is ≥ `key`. */
function lowerBound(entries: Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareCodePoints(entries[mid]!.record.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry whose key is > `key`. */
function upperBound(entries: Entry[], key: string): number {
  const at = lowerBound(entries, key);
  return at < entries.length && entries[at]!.record.key === key ? at + 1 : at;
}

function copyRecord(record: DriverRecord): DriverRecord {
  return { ...record, value: cloneJson(record.value) };
}
