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
  /** Entries in key order, rebuilt lazily after a write. */
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
      const page = selectPage(sortedEntries(type), request, (e) => e.record, textOf);
      return { items: page.items.map((e) => copyRecord(e.record)), total: page.total };
    },

    async *scan(type, terms) {
      for (const entry of sortedEntries(type)) {
        if (terms.length > 0 && !matchesTerms(textOf(entry), terms)) continue;
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
  let typeData = data.get(write.type);
  if (write.op === "delete") {
    if (typeData?.entries.delete(write.key)) {
      typeData.sorted = undefined;
      if (typeData.entries.size === 0) data.delete(write.type);
    }
    return;
  }
  if (!typeData) data.set(write.type, typeData = { entries: new Map(), sorted: undefined });
  typeData.entries.set(write.key, { record: write.record, text: undefined });
  typeData.sorted = undefined;
}

function copyRecord(record: DriverRecord): DriverRecord {
  return { ...record, value: cloneJson(record.value) };
}
