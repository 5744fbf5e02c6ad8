/**
 * `POST /api/transactions` (docs/http.md): `{"writes":[...]}` committed atomically. The documented
 * `save`/`remove` ops run as one store transaction; the record-level `put`/`delete`/`truncate`
 * ops (see records.ts) run as one driver commit. One request uses one family.
 *
 * @module
 */
import * as v from "./schema-kit.ts";
import { InvalidInputError, ObjectStoreError } from "../errors.ts";
import { unreadCreateOf } from "../store.ts";
import type { JsonValue, ObjectStore, SaveResult } from "../types.ts";
import type { Scope } from "./auth.ts";
import { type ErrorBody, errorResponse, HttpError } from "./errors.ts";
import { commitRecords, isRecordOp, replaceRecord } from "./records.ts";
import { STORE_WRITE, TRANSACTION_BODY } from "./schemas.ts";
import { checkStoredType, recordDriver } from "./tenancy.ts";

type StoreWrite = v.InferOutput<typeof STORE_WRITE>;

/**
 * Runs a transactions body for a caller of `scope`; returns the status and JSON to send.
 * `"verbatim": true` (record-level ops kept exactly as sent) needs the `replicate` scope.
 * `tenant`: the tenant the caller's token is bound to (`store` is then that tenant's store):
 * a type name with a tenant prefix is 403.
 *
 * @example
 * ```ts
 * await runTransaction(store, { writes: [{ op: "save", type: "T", key: "k", value: 1 }] }, "write", () => new Date().toISOString());
 * ```
 */
export async function runTransaction(
  store: ObjectStore,
  input: unknown,
  scope: Scope,
  stamp: () => string,
  tenant?: string,
): Promise<{ status: number; body: unknown }> {
  const body = v.safeParse(TRANSACTION_BODY, input);
  if (!body.success) throw badArgument('Invalid body: expected {"writes":[...]} (and "verbatim": a boolean)');
  const writes = body.output.writes;
  const verbatim = body.output.verbatim === true;
  if (verbatim && scope !== "replicate") {
    throw new HttpError(403, "FORBIDDEN", "Verbatim writes (versions and stamps kept as sent) need a token of the replicate scope");
  }
  const recordOps = writes.filter(isRecordOp).length;
  if (recordOps > 0) {
    if (recordOps !== writes.length) throw badArgument("Invalid writes: put/delete/truncate/replace ops cannot be mixed with save/remove");
    const driver = recordDriver({ store }, "record-level writes");
    const replaces = writes.filter((w) => (w as { op?: unknown }).op === "replace").length;
    if (replaces > 0 && writes.length > 1) throw badArgument("Invalid writes: a replace op goes alone");
    const policy = { verbatim, stamp, tenant };
    return replaces > 0 ? replaceRecord(driver, writes[0], policy) : commitRecords(driver, writes, policy);
  }
  if (verbatim) throw badArgument("Invalid verbatim: only record-level ops (put/delete/truncate/replace) are verbatim");
  const parsed: StoreWrite[] = writes.map((raw, index) => {
    if ((raw as { op?: unknown } | null)?.op === "save" && !Object.hasOwn(raw as object, "value")) {
      throw new InvalidInputError("INVALID_VALUE", `Invalid writes[${index}].value: missing`);
    }
    const write = v.safeParse(STORE_WRITE, raw);
    if (!write.success) {
      const where = v.getDotPath(write.issues[0]);
      throw badArgument(`Invalid writes[${index}]${where ? `.${where}` : ""}: ${write.issues[0].message}`);
    }
    // A bound token never reaches another tenant's types, whatever the op (the store checks the rest).
    if (tenant !== undefined && typeof write.output.type === "string" && write.output.type.includes("_")) {
      try {
        checkStoredType(write.output.type, tenant);
      } catch (e) {
        if (e instanceof HttpError) throw e;
      }
    }
    return write.output;
  });
  let index = -1;
  try {
    const results = await store.transaction(async (tx) => {
      const results: (SaveResult | null)[] = [];
      for (index = 0; index < parsed.length; index++) {
        const w = parsed[index]!;
        if (w.op === "save") results.push(await tx.save(w.type as string, w.key as string, w.value as JsonValue, w.version));
        else {
          await tx.remove(w.type as string, w.key as string, { version: w.version, ignoreMissing: w.ignoreMissing ?? false });
          results.push(null);
        }
      }
      index = -1; // past every write: a failure now is the commit's
      return results;
    });
    return { status: 200, body: { results } };
  } catch (e) {
    // A create the transaction never read fails at commit: its index is the key's first save.
    const created = unreadCreateOf(e);
    if (created) index = parsed.findIndex((w) => w.op === "save" && w.type === created.type && w.key === created.key);
    if (!(e instanceof ObjectStoreError) || index < 0) throw e;
    const { status, body } = errorResponse(e) as { status: number; body: ErrorBody };
    body.error.index = index;
    return { status, body };
  }
}

function badArgument(message: string): InvalidInputError {
  return new InvalidInputError("INVALID_ARGUMENT", message);
}
