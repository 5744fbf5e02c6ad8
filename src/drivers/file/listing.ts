/**
 * Reading many objects: the key-ordered listing of a type from its directory, pages, scans and
 * types. Costs (n = objects of the type):
 * - a page without query or sort: one directory listing (names decode to keys, sorted in memory)
 *   plus one file read per returned object; `total` is the listing's length. The sorted listing
 *   is kept while `.objstore/generation` is unchanged, so pages (cursor pages too) between
 *   commits cost one small file read instead of the listing; the first page after a commit lists;
 * - a page with a query or sort: one listing plus n file reads (files are the only index), read 64
 *   at a time and kept only while they may be on the page (offset + limit of them, when <= 1000);
 * - scan: one listing, then the files one by one in key order (memory: the names, not the objects);
 * - types: one listing of BaseLocation plus one directory entry per type.
 * Keys too long for a file name (hashed names) are read from their files when listed.
 *
 * @module
 */
import type { DriverRecord, PageRequest } from "../../driver.ts";
import type { FileSystem } from "../../file-system.ts";
import { compareCodePoints, matchesTerms, searchText } from "../../query.ts";
import { pagePicker } from "../../select.ts";
import { decodeObject, type Layout } from "./layout.ts";
import { decodeName, isPlainName, OBJECT_SUFFIX } from "./names.ts";

/** One object file of a listing. */
export interface Listed {
  key: string;
  path: string;
}

/** How many files are read at once. */
const PARALLEL_READS = 64;

/**
 * Reads an object file; `undefined` when it is missing or (hashed names) holds another object.
 *
 * @example
 * ```ts
 * const record = await readObject(fs, await layout.objectFile("T", "k"), "T", "k");
 * ```
 */
export async function readObject(fs: FileSystem, path: string, type: string, key?: string): Promise<DriverRecord | undefined> {
  const text = await fs.readText(path);
  if (text === undefined) return undefined;
  const object = decodeObject(text, path);
  if (object.type !== type || (key !== undefined && object.record.key !== key)) return undefined;
  return object.record;
}

/**
 * The objects of a type in key order, from its directory listing.
 *
 * @example
 * ```ts
 * const keys = (await listType(fs, layout, "Person")).map((l) => l.key);
 * ```
 */
export async function listType(fs: FileSystem, layout: Layout, type: string): Promise<Listed[]> {
  // Every commit replaces the generation token after its files: an unchanged token means the
  // listing made under it still holds (read first, so a listing is never older than its token).
  const token = await fs.readText(layout.generation);
  let cache = listings.get(layout);
  const hit = token === undefined ? undefined : cache?.get(type);
  if (hit && hit.token === token) return hit.listed;
  const listed = await listDir(fs, layout, type);
  if (token === undefined) return listed;
  if (!cache) listings.set(layout, cache = new Map());
  cache.delete(type);
  cache.set(type, { token, listed });
  let entries = 0;
  for (const { listed } of cache.values()) entries += listed.length;
  for (const [oldest, { listed }] of cache) {
    if (entries <= CACHED_ENTRIES || cache.size === 1) break;
    cache.delete(oldest);
    entries -= listed.length;
  }
  return listed;
}

/** Listings kept per store (by its layout), by type, with the generation token they hold for. */
const listings = new WeakMap<Layout, Map<string, { token: string; listed: Listed[] }>>();
/** Listed objects kept at most, over the types of one store (the newest type is always kept). */
const CACHED_ENTRIES = 1_000_000;

async function listDir(fs: FileSystem, layout: Layout, type: string): Promise<Listed[]> {
  const dir = await layout.typeDir(type);
  const names = await fs.readDir(dir);
  // Fast path (keys of lower-case letters, digits and "-"): names are keys, sorted as plain strings.
  const stems = names.map((name) => (name.endsWith(OBJECT_SUFFIX) ? name.slice(0, -OBJECT_SUFFIX.length) : ""));
  if (stems.every(isPlainName)) return stems.sort().map((key) => ({ key, path: `${dir}/${key}${OBJECT_SUFFIX}` }));
  const listed: Listed[] = [];
  const hashed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(OBJECT_SUFFIX)) continue;
    const decoded = decodeName(name.slice(0, -OBJECT_SUFFIX.length));
    if (decoded === undefined) continue;
    if (decoded.complete) listed.push({ key: decoded.text, path: `${dir}/${name}` });
    else hashed.push(`${dir}/${name}`);
  }
  for (const record of await readAll(fs, hashed, type)) if (record) listed.push({ key: record.key, path: record.path });
  // UTF-16 order is code-point order unless a key holds a surrogate pair (or a char ≥ U+E000 to
  // compare with one): then use the slower exact comparison.
  if (listed.some((l) => HIGH.test(l.key))) return listed.sort((a, b) => compareCodePoints(a.key, b.key));
  return listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const HIGH = /[\uD800-\uFFFF]/;

async function readAll(fs: FileSystem, paths: string[], type: string): Promise<((DriverRecord & { path: string }) | undefined)[]> {
  const out: ((DriverRecord & { path: string }) | undefined)[] = [];
  for (let i = 0; i < paths.length; i += PARALLEL_READS) {
    const batch = paths.slice(i, i + PARALLEL_READS);
    const records = await Promise.all(batch.map((path) => readObject(fs, path, type)));
    records.forEach((record, j) => out.push(record && { ...record, path: batch[j]! }));
  }
  return out;
}

function strip(record: DriverRecord & { path?: string }): DriverRecord {
  const { key, value, version, created, updated } = record;
  return { key, value, version, created, updated };
}

/**
 * Serves a page request (see the module comment for its cost).
 *
 * @example
 * ```ts
 * const { items, total } = await pageOf(fs, layout, "Person", request);
 * ```
 */
export async function pageOf(fs: FileSystem, layout: Layout, type: string, request: PageRequest): Promise<{ items: DriverRecord[]; total: number }> {
  const listed = await listType(fs, layout, type);
  if (request.terms.length === 0 && request.sort.length === 0) {
    let from = 0;
    if (request.after) {
      const after = request.after.key;
      let hi = listed.length;
      while (from < hi) {
        const mid = (from + hi) >> 1;
        if (compareCodePoints(listed[mid]!.key, after) <= 0) from = mid + 1;
        else hi = mid;
      }
    }
    const slice = listed.slice(from + request.offset, from + request.offset + request.limit);
    const records = await readAll(fs, slice.map((l) => l.path), type);
    const items = records.filter((r) => r !== undefined).map(strip);
    return { items, total: request.count ? listed.length : -1 };
  }
  // Files are read a batch at a time and kept only while they may be on the page (at most
  // offset + limit of them when that is at most 1000), not the whole type at once.
  const picker = pagePicker(request, (r: DriverRecord) => r);
  for (let i = 0; i < listed.length; i += PARALLEL_READS) {
    const records = await readAll(fs, listed.slice(i, i + PARALLEL_READS).map((l) => l.path), type);
    for (const record of records) if (record !== undefined) picker.add(strip(record));
  }
  return picker.page();
}

/**
 * Streams a type's objects matching `terms`, in key order.
 *
 * @example
 * ```ts
 * for await (const record of scanOf(fs, layout, "Person", ["ann"])) console.log(record.key);
 * ```
 */
export async function* scanOf(fs: FileSystem, layout: Layout, type: string, terms: string[]): AsyncIterable<DriverRecord> {
  const listed = await listType(fs, layout, type);
  for (let i = 0; i < listed.length; i += PARALLEL_READS) {
    const records = await readAll(fs, listed.slice(i, i + PARALLEL_READS).map((l) => l.path), type);
    for (const record of records) {
      if (record === undefined) continue;
      if (terms.length > 0 && !matchesTerms(searchText(record.key, record.value), terms)) continue;
      yield strip(record);
    }
  }
}

/**
 * The types holding at least one object.
 *
 * @example
 * ```ts
 * const types = await typesOf(fs, layout);
 * ```
 */
export async function typesOf(fs: FileSystem, layout: Layout): Promise<string[]> {
  const types: string[] = [];
  for (const name of await fs.readDir(layout.base)) {
    const decoded = decodeName(name);
    if (decoded === undefined) continue;
    const dir = `${layout.base}/${name}`;
    if (decoded.complete) {
      if (await hasObject(fs, dir)) types.push(decoded.text);
      continue;
    }
    // A hashed type name: the type is in its files.
    for (const file of await fs.readDir(dir)) {
      const text = file.endsWith(OBJECT_SUFFIX) ? await fs.readText(`${dir}/${file}`) : undefined;
      if (text === undefined) continue;
      types.push(decodeObject(text, `${dir}/${file}`).type);
      break;
    }
  }
  return types;
}

async function hasObject(fs: FileSystem, dir: string): Promise<boolean> {
  return (await fs.stat(dir))?.kind === "directory" && (await fs.hasEntries(dir));
}
