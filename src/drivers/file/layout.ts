/**
 * Where things live under BaseLocation, and the object file format.
 *
 * ```text
 * BaseLocation/
 *   .objstore/              the driver's own files (no type's directory can start with ".")
 *     lock                  the cross-process commit lock (pid, host, time), present while held
 *     journal.json          a multi-object commit's intent, present from its commit point to its end
 *     generation            a token every commit replaces, so readers can tell a commit happened
 *     tmp/                  files being written (renamed into place, or cleaned after a crash)
 *   <type name>/            one directory per object type (see names.ts)
 *     <key name>.json       one file per object
 * ```
 *
 * @module
 */
import type { DriverRecord } from "../../driver.ts";
import { BackendError } from "../../errors.ts";
import type { JsonValue } from "../../types.ts";
import { nameOf, OBJECT_SUFFIX } from "./names.ts";

/** The name of the driver's own directory inside BaseLocation. */
export const INTERNAL_DIR = ".objstore";

/** Paths of one store, all under `base`. */
export interface Layout {
  base: string;
  internal: string;
  tmp: string;
  lock: string;
  journal: string;
  generation: string;
  /** The directory of a type. */
  typeDir(type: string): Promise<string>;
  /** The file of an object. */
  objectFile(type: string, key: string): Promise<string>;
}

/**
 * The layout of a store at `base` (a path without a trailing separator).
 *
 * @example
 * ```ts
 * await layoutOf("/data").objectFile("Person", "ann"); // "/data/_person/ann.json"
 * ```
 */
export function layoutOf(base: string): Layout {
  const internal = `${base}/${INTERNAL_DIR}`;
  return {
    base,
    internal,
    tmp: `${internal}/tmp`,
    lock: `${internal}/lock`,
    journal: `${internal}/journal.json`,
    generation: `${internal}/generation`,
    typeDir: async (type) => `${base}/${await nameOf(type)}`,
    objectFile: async (type, key) => `${base}/${await nameOf(type)}/${await nameOf(key)}${OBJECT_SUFFIX}`,
  };
}

/**
 * The directory part of a path made by a {@link Layout}.
 *
 * @example
 * ```ts
 * dirOf("/data/_person/ann.json"); // "/data/_person"
 * ```
 */
export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * An object file's text: self-describing, indented JSON a person can read.
 *
 * @example
 * ```ts
 * encodeObject("Person", { key: "ann", value: {}, version: "1", created: t, updated: t });
 * ```
 */
export function encodeObject(type: string, record: DriverRecord): string {
  const { key, version, created, updated, value } = record;
  return JSON.stringify({ type, key, version, created, updated, value }, null, 2) + "\n";
}

/**
 * An object file's contents: its type and record. Throws `BACKEND_ERROR` on a damaged file.
 *
 * @example
 * ```ts
 * const { type, record } = decodeObject(text, path);
 * ```
 */
export function decodeObject(text: string, path: string): { type: string; record: DriverRecord } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new BackendError("BACKEND_ERROR", `Damaged object file ${path}: not JSON`, { cause });
  }
  const o = parsed as Record<string, unknown> | null;
  if (
    o === null || typeof o !== "object" || typeof o.type !== "string" || typeof o.key !== "string" ||
    typeof o.version !== "string" || typeof o.created !== "string" || typeof o.updated !== "string" || !("value" in o)
  ) {
    throw new BackendError("BACKEND_ERROR", `Damaged object file ${path}: missing type, key, version, created, updated or value`);
  }
  return {
    type: o.type,
    record: { key: o.key, value: o.value as JsonValue, version: o.version, created: o.created, updated: o.updated },
  };
}
