/**
 * Verify: compares two stores key by key (both ways) and by a content hash of each object.
 *
 * @module
 */
import type { DriverRecord } from "../driver.ts";
import { compareCodePoints } from "../query.ts";
import { isNewer } from "../composites/order.ts";
import { canonicalJson } from "./canonical.ts";
import { driverOfEndpoint, type Endpoint } from "./endpoints.ts";
import { keyReader } from "./reader.ts";

/** One difference between From and To. */
export interface Difference {
  /** The object type. */
  type: string;
  /** The key. */
  key: string;
  /**
   * `missing`: only in From; `extra`: only in To; `different`: content hashes differ (To is
   * behind From, or differs at the same version); `newer`: To holds a newer state than From
   * (migrate keeps it and reports it, unless told to prefer From).
   */
  kind: "missing" | "extra" | "different" | "newer";
}

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** A store or a driver. */
  from: Endpoint;
  /** The copy to compare with `from`. */
  to: Endpoint;
  /** Objects read per round trip. @default 500 */
  batchSize?: number;
  /** Most differences listed (all are counted). @default 1000 */
  maxListed?: number;
}

/** What {@link verify} returns. */
export interface VerifyResult {
  /** Objects compared (keys in either store). */
  compared: number;
  /** Number of differences of each kind. */
  missing: number;
  /** Objects only in To. */
  extra: number;
  /** Objects whose value, version or stamps differ. */
  different: number;
  /** Objects To holds at a newer version than From. */
  newer: number;
  /** The first `maxListed` differences, in type and key order. */
  differences: Difference[];
}

/**
 * Compares every type of both stores: keys both ways, then the SHA-256 of (value, version,
 * created, updated) per object. Streams: memory stays at two pages.
 *
 * @example
 * ```ts
 * const result = await verify({ from: oldDriver, to: newDriver });
 * if (result.differences.length > 0) console.log(result.differences);
 * ```
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const from = driverOfEndpoint(options.from, "from");
  const to = driverOfEndpoint(options.to, "to");
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const maxListed = options.maxListed ?? 1000;
  const result: VerifyResult = { compared: 0, missing: 0, extra: 0, different: 0, newer: 0, differences: [] };
  const note = (type: string, key: string, kind: Difference["kind"]) => {
    result[kind]++;
    if (result.differences.length < maxListed) result.differences.push({ type, key, kind });
  };

  const types = [...new Set([...(await from.types()), ...(await to.types())])].sort(compareCodePoints);
  for (const type of types) {
    const source = keyReader(from, type, batchSize);
    const target = keyReader(to, type, batchSize);
    for (;;) {
      const records = await source.nextPage();
      const last = records.length > 0 ? records[records.length - 1]!.key : undefined;
      const others = await target.takeUpTo(last);
      if (last === undefined && others.length === 0) break;
      const theirs = new Map(others.map((r) => [r.key, r]));
      const hashes = await Promise.all(records.map((r) => {
        const other = theirs.get(r.key);
        return other ? Promise.all([contentHash(r), contentHash(other)]) : undefined;
      }));
      const keys = new Set<string>();
      records.forEach((record, i) => {
        keys.add(record.key);
        const pair = hashes[i];
        if (!pair) note(type, record.key, "missing");
        else if (pair[0] !== pair[1]) note(type, record.key, isNewer(theirs.get(record.key)!, record) ? "newer" : "different");
      });
      for (const other of others) if (!keys.has(other.key)) note(type, other.key, "extra");
      result.compared += keys.size + others.filter((o) => !keys.has(o.key)).length;
    }
  }
  result.differences.sort((a, b) => compareCodePoints(a.type, b.type) || compareCodePoints(a.key, b.key));
  return result;
}

/**
 * The hex SHA-256 of a record's value (keys sorted at every level), version, created and updated.
 *
 * @example
 * ```ts
 * await contentHash({ key: "k", value: { b: 1, a: 2 }, version: "1", created: "…", updated: "…" });
 * ```
 */
export async function contentHash(record: DriverRecord): Promise<string> {
  const text = canonicalJson([record.value, record.version, record.created, record.updated]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
