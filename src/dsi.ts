/**
 * DoubleStringIndex: a namespaced one-to-one map between strings A and B, kept in the store
 * itself as two entries per pair (key `a` + A holding B, key `b` + B holding A) of a hidden type
 * (see `tenants.ts`), written in one transaction: saving (A, B2) after (A, B1) removes B1's entry
 * in the same commit, so the map stays strictly one-to-one on every backend, atomically.
 *
 * @module
 */
import type { DriverRecord } from "./driver.ts";
import { InvalidInputError } from "./errors.ts";
import type { Seen } from "./staging.ts";
import type { DoubleStringIndex, JsonValue } from "./types.ts";
import { checkKey, describe } from "./validate.ts";

/** What an index needs from a transaction: raw reads and staged writes of its hidden type. */
export interface IndexAccess {
  read(type: string, key: string): Promise<Seen>;
  put(type: string, key: string, seen: Seen, value: JsonValue): unknown;
  remove(type: string, key: string, seen: Seen): void;
  truncate(type: string): void;
  /** Throws `CLOSED` when the transaction has ended. */
  check(): void;
}

/**
 * Checks an index string: any string whose UTF-8 form is at most 1,023 bytes, the empty string
 * included, without control characters or lone surrogates (the key rules, less one byte).
 */
function checkString(value: unknown, which: "A" | "B"): asserts value is string {
  if (typeof value !== "string") {
    throw new InvalidInputError("INVALID_KEY", `Invalid DoubleStringIndex key ${which}: expected a string, got ${describe(value)}`);
  }
  try {
    checkKey(`${which.toLowerCase()}${value}`);
  } catch {
    throw new InvalidInputError(
      "INVALID_KEY",
      `Invalid DoubleStringIndex key ${which}: at most 1023 UTF-8 bytes, no control characters, no lone surrogates`,
    );
  }
}

const other = (seen: Seen): string | undefined => (seen.record ? (seen.record as DriverRecord).value as string : undefined);

/**
 * The index of hidden type `type` inside one transaction.
 *
 * @example
 * ```ts
 * const index = transactionIndex(access, "_dsi_users");
 * await index.save("ann@example.com", "user-1");
 * ```
 */
export function transactionIndex(access: IndexAccess, type: string): DoubleStringIndex {
  const A = (a: string) => `a${a}`, B = (b: string) => `b${b}`;
  const removePair = async (a: string | undefined, b: string | undefined) => {
    if (a !== undefined) {
      const seen = await access.read(type, A(a));
      if (seen.record) access.remove(type, A(a), seen);
    }
    if (b !== undefined) {
      const seen = await access.read(type, B(b));
      if (seen.record) access.remove(type, B(b), seen);
    }
  };
  return {
    async save(a, b) {
      checkString(a, "A"), checkString(b, "B"), access.check();
      const [seenA, seenB] = [await access.read(type, A(a)), await access.read(type, B(b))];
      const oldB = other(seenA), oldA = other(seenB);
      if (oldB === b && oldA === a) return;
      // Both old pairs go: A's old partner and B's old partner lose their reverse entries.
      if (oldB !== undefined && oldB !== b) await removePair(undefined, oldB);
      if (oldA !== undefined && oldA !== a) await removePair(oldA, undefined);
      access.put(type, A(a), await access.read(type, A(a)), b);
      access.put(type, B(b), await access.read(type, B(b)), a);
    },
    async getByA(a) {
      checkString(a, "A"), access.check();
      return other(await access.read(type, A(a)));
    },
    async getByB(b) {
      checkString(b, "B"), access.check();
      return other(await access.read(type, B(b)));
    },
    async removeByA(a) {
      checkString(a, "A"), access.check();
      const b = other(await access.read(type, A(a)));
      if (b !== undefined) await removePair(a, b);
    },
    async removeByB(b) {
      checkString(b, "B"), access.check();
      const a = other(await access.read(type, B(b)));
      if (a !== undefined) await removePair(a, b);
    },
    async truncate() {
      access.check();
      access.truncate(type);
    },
  };
}
