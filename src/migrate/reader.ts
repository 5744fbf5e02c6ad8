/**
 * Reading a type in key order a page at a time (keyset paging, pushed down to the backend),
 * so the migration job and verify hold at most one page of each store in memory.
 *
 * @module
 */
import type { Driver, DriverRecord } from "../driver.ts";
import { compareCodePoints } from "../query.ts";

/** A forward-only reader of one type's records in key order. */
export interface KeyReader {
  /** The next page of records (empty at the end). */
  nextPage(): Promise<DriverRecord[]>;
  /**
   * Every record not yet read whose key is ≤ `key`; when `key` is undefined, the next page of
   * what remains (empty at the end), so memory stays bounded.
   */
  takeUpTo(key: string | undefined): Promise<DriverRecord[]>;
}

/**
 * Reads `type` from `driver` in pages of `pageSize`, starting after the key `after`.
 *
 * @example
 * ```ts
 * const reader = keyReader(driver, "Person", 500);
 * for (let page = await reader.nextPage(); page.length > 0; page = await reader.nextPage()) console.log(page.length);
 * ```
 */
export function keyReader(driver: Driver, type: string, pageSize: number, after?: string): KeyReader {
  let buffer: DriverRecord[] = [];
  let index = 0;
  let last = after;
  let done = false;

  const fill = async () => {
    if (index < buffer.length || done) return;
    const page = await driver.page(type, {
      terms: [],
      sort: [],
      offset: 0,
      limit: pageSize,
      count: false,
      ...(last === undefined ? {} : { after: { key: last, values: [] } }),
    });
    buffer = page.items;
    index = 0;
    if (buffer.length === 0) done = true;
    else last = buffer[buffer.length - 1]!.key;
  };

  const nextPage = async () => {
    await fill();
    const page = index === 0 ? buffer : buffer.slice(index);
    index = buffer.length;
    return page;
  };

  return {
    nextPage,
    async takeUpTo(key) {
      const out: DriverRecord[] = [];
      if (key === undefined) return nextPage();
      for (;;) {
        await fill();
        if (index >= buffer.length) return out;
        const record = buffer[index]!;
        if (compareCodePoints(record.key, key) > 0) return out;
        out.push(record);
        index++;
      }
    },
  };
}
