/**
 * What a SimpleFileStore layout says: where objects live, how a file reads and writes, and how
 * a type is listed. The driver (locking, journalled commits, consistent reads) is the same for
 * objstore's own layout and for the Python original's (original.ts).
 *
 * @module
 */
import type { DriverPage, DriverRecord, PageRequest } from "../../driver.ts";
import type { FileSystem } from "../../file-system.ts";
import { encodeObject, type Layout, layoutOf } from "./layout.ts";
import { listType, pageOf, readObject, scanOf, typesOf } from "./listing.ts";
import { encodeOriginal, listOriginal, originalLayout, pageOriginal, readOriginal, scanOriginal, typesOriginal } from "./original.ts";

/** A SimpleFileStore layout. */
export interface FileFormat {
  layoutOf(base: string): Layout;
  readObject(fs: FileSystem, path: string, type: string, key: string): Promise<DriverRecord | undefined>;
  encodeObject(type: string, record: DriverRecord): string;
  /** Every object file of a type (for truncate). */
  listType(fs: FileSystem, layout: Layout, type: string): Promise<{ path: string }[]>;
  pageOf(fs: FileSystem, layout: Layout, type: string, request: PageRequest): Promise<DriverPage>;
  scanOf(fs: FileSystem, layout: Layout, type: string, terms: string[]): AsyncIterable<DriverRecord>;
  typesOf(fs: FileSystem, layout: Layout): Promise<string[]>;
  /** Whether a type's folder goes when its last object does (the original keeps its folders). */
  removesEmptyTypes: boolean;
}

/** objstore's own layout (layout.ts, listing.ts). */
export const objstoreFormat: FileFormat = { layoutOf, readObject, encodeObject, listType, pageOf, scanOf, typesOf, removesEmptyTypes: true };

/** The Python original's layout (original.ts). */
export const originalFormat: FileFormat = {
  layoutOf: originalLayout,
  readObject: readOriginal,
  encodeObject: encodeOriginal,
  listType: listOriginal,
  pageOf: pageOriginal,
  scanOf: scanOriginal,
  typesOf: typesOriginal,
  removesEmptyTypes: false,
};
