/**
 * The SimpleFileStore layout of the Python original (`"layout": "original"`), so objstore reads
 * and writes the folders a running Python deployment has:
 *
 * ```text
 * BaseLocation/
 *   .objstore/                objstore's lock, journal and temp files (the original ignores them)
 *   _<fss(type)>/             one folder per type
 *     <fss(key)>              one file per object: repr() of
 *                             {'Data': value, 'ObjVer': 3, 'Create': iso, 'LastUpdate': iso}
 * ```
 *
 * `fss` is base64 of the UTF-8 text with `/` → `_` and `+` → `:` (padding kept). Files are
 * Python literals (python-literal.ts: parsed, never evaluated); bytes read as the original's RJM
 * bytes tag and are written back as `b'…'`; dates are `isoformat()` strings. objstore commits
 * under its own cross-process lock and journal, as in its own layout, so objstore writers are
 * atomic among themselves; the Python library takes no lock, so a Python writer running at the
 * same time is not ordered against them (the original's own limit).
 *
 * Listing reads every file of the type (the layout has no index), as the original did.
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import { BackendError, InvalidInputError } from "../../errors.ts";
import type { FileSystem } from "../../file-system.ts";
import { fromPythonIso, pythonIso, versionNumber } from "../../original/formats.ts";
import { formatPythonLiteral, parsePythonLiteral } from "../../original/python-literal.ts";
import { compareCodePoints, matchesTerms, searchText } from "../../query.ts";
import { selectPage } from "../../select.ts";
import type { JsonValue } from "../../types.ts";
import { INTERNAL_DIR, type Layout } from "./layout.ts";

/** The longest file name most file systems take, in bytes (base64 is ASCII). */
const MAX_NAME = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The original's file-name form of a type or key.
 *
 * @example
 * ```ts
 * fss("Type1"); // "VHlwZTE="
 * fss("a/b+c key"); // "YS9iK2Mga2V5"
 * ```
 */
export function fss(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("/", "_").replaceAll("+", ":");
}

/** The text of an original file name, or undefined when it is not one. */
export function unfss(name: string): string | undefined {
  try {
    const binary = atob(name.replaceAll("_", "/").replaceAll(":", "+"));
    return decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function nameFor(text: string, what: "type" | "key"): string {
  const name = fss(text);
  if (name.length + (what === "type" ? 1 : 0) > MAX_NAME) {
    throw new InvalidInputError(
      what === "type" ? "INVALID_OBJECT_TYPE" : "INVALID_KEY",
      `The original SimpleFileStore layout names a file after the ${what} in base64: this ${what} would need a ${name.length}-character name, past the ${MAX_NAME} a file system takes (about ${Math.floor((MAX_NAME - 1) / 4) * 3} UTF-8 bytes at most)`,
    );
  }
  return name;
}

/**
 * The paths of an original-layout store at `base`.
 *
 * @example
 * ```ts
 * await originalLayout("/data").objectFile("Type1", "k"); // "/data/_VHlwZTE=/aw=="
 * ```
 */
export function originalLayout(base: string): Layout {
  const internal = `${base}/${INTERNAL_DIR}`;
  return {
    base,
    internal,
    tmp: `${internal}/tmp`,
    lock: `${internal}/lock`,
    journal: `${internal}/journal.json`,
    generation: `${internal}/generation`,
    typeDir: async (type) => `${base}/_${nameFor(type, "type")}`,
    objectFile: async (type, key) => `${base}/_${nameFor(type, "type")}/${nameFor(key, "key")}`,
  };
}

/**
 * An object file's text, as the original writes it (`repr` of its dict).
 *
 * @example
 * ```ts
 * encodeOriginal("Person", record); // "{'Data': {...}, 'ObjVer': 1, 'Create': '…+00:00', 'LastUpdate': '…+00:00'}"
 * ```
 */
export function encodeOriginal(_type: string, record: DriverRecord): string {
  return formatPythonLiteral({
    Data: record.value,
    ObjVer: versionNumber(record.version),
    Create: pythonIso(record.created),
    LastUpdate: pythonIso(record.updated),
  });
}

/** The record in an original object file; undefined when there is no file. */
export async function readOriginal(fs: FileSystem, path: string, type: string, key: string): Promise<DriverRecord | undefined> {
  const text = await fs.readText(path);
  if (text === undefined) return undefined;
  const where = `${type}/${key}`;
  let dict: JsonValue;
  try {
    dict = parsePythonLiteral(text);
  } catch (cause) {
    throw new BackendError("BACKEND_ERROR", `The original layout's file of ${where} is not a Python literal dict`, { cause });
  }
  const d = dict as Record<string, JsonValue>;
  if (d === null || typeof d !== "object" || Array.isArray(d) || !("Data" in d) || typeof d.ObjVer !== "number") {
    throw new BackendError("BACKEND_ERROR", `The original layout's file of ${where} lacks Data or ObjVer`);
  }
  return {
    key,
    value: d.Data!,
    version: String(d.ObjVer),
    created: fromPythonIso(String(d.Create), where),
    updated: fromPythonIso(String(d.LastUpdate), where),
  };
}

/** Every object file of a type: its path and key (from the file name). */
export async function listOriginal(fs: FileSystem, layout: Layout, type: string): Promise<{ path: string; key: string }[]> {
  const dir = await layout.typeDir(type);
  const out: { path: string; key: string }[] = [];
  for (const name of await fs.readDir(dir)) {
    const key = unfss(name);
    if (key !== undefined) out.push({ path: `${dir}/${name}`, key });
  }
  return out.sort((a, b) => compareCodePoints(a.key, b.key));
}

async function readAll(fs: FileSystem, layout: Layout, type: string, terms: string[]): Promise<DriverRecord[]> {
  const out: DriverRecord[] = [];
  for (const { path, key } of await listOriginal(fs, layout, type)) {
    const record = await readOriginal(fs, path, type, key);
    if (record && (terms.length === 0 || matchesTerms(searchText(record.key, record.value), terms))) out.push(record);
  }
  return out;
}

/** A page of a type (reads every file of the type). */
export async function pageOriginal(fs: FileSystem, layout: Layout, type: string, request: PageRequest): Promise<DriverPage> {
  return selectPage(await readAll(fs, layout, type, []), request, (r) => r);
}

/** Every object of a type matching `terms`, in key order. */
export async function* scanOriginal(fs: FileSystem, layout: Layout, type: string, terms: string[]): AsyncIterable<DriverRecord> {
  yield* await readAll(fs, layout, type, terms);
}

/** The types with at least one object file (`_`-prefixed folders, as the original lists them). */
export async function typesOriginal(fs: FileSystem, layout: Layout): Promise<string[]> {
  const out: string[] = [];
  for (const name of await fs.readDir(layout.base)) {
    if (!name.startsWith("_")) continue;
    const type = unfss(name.slice(1));
    if (type !== undefined && (await fs.hasEntries(`${layout.base}/${name}`))) out.push(type);
  }
  return out;
}
