/**
 * A versioned save in one request: one conditional `UpdateItem` that sets everything a put
 * writes (value, version, updated stamp, search text, commit token) except `cre`, which it
 * keeps and returns (read from the `ReturnValues: ALL_NEW` answer).
 *
 * - The condition is `ver = :ver` (which also fails on a missing item), and
 *   `ReturnValuesOnConditionCheckFailure: ALL_OLD` reports the current version without a read.
 * - A missing table means a missing object: `CommitConflict(0, undefined)`, no table created.
 * - No registry write: an object at `version` exists, so its type was registered before it
 *   was first written.
 * - Lost answers: a retried attempt that fails its condition and finds our own commit token
 *   (`tok`) in the item means the earlier attempt applied; its `cre` is the answer.
 * - The 400 KB item limit is checked before sending, counting `cre` as long as `upd` (both
 *   are the store's timestamps).
 *
 * @module
 */
import { CommitConflict, type DriverRecord } from "../../driver.ts";
import { type CallInfo, type DynamoClient, DynamoError } from "./client.ts";
import { encodeItem, type Item, keyOf } from "./codec.ts";
import { isMissingTable } from "./listing.ts";

/**
 * The `UpdateItem` request body replacing `type`/`key` at `version` with `record`, its item
 * attributes identical to a put's (`token` = the commit id) except `cre`, which is kept.
 * Throws `INVALID_VALUE` above the 400 KB item limit.
 *
 * @example
 * ```ts
 * const body = replaceRequest("objstore", "T", "k", "3", record, crypto.randomUUID());
 * await client.call("UpdateItem", body);
 * ```
 */
export function replaceRequest(
  table: string,
  type: string,
  key: string,
  version: string,
  record: Omit<DriverRecord, "created">,
  token: string,
): Record<string, unknown> {
  // The full item a put would write (size-checked); `cre` stands in as long as `upd`.
  const item = encodeItem(type, { ...record, created: record.updated }, token);
  const names: Record<string, string> = { "#ver": "ver" };
  const values: Record<string, { S: string }> = { ":ver": { S: version } };
  const sets: string[] = [];
  for (const name of ["val", "ver", "upd", "tok", "txt", "lc"]) {
    const attribute = item[name];
    if (!attribute) continue;
    names[`#${name}`] = name;
    values[`:n_${name}`] = attribute;
    sets.push(`#${name} = :n_${name}`);
  }
  let update = `SET ${sets.join(", ")}`;
  if (!item.lc) {
    // The new value is not all lower case: its search text is `txt`, and `lc` must go.
    names["#lc"] = "lc";
    update += " REMOVE #lc";
  }
  return {
    TableName: table,
    Key: keyOf(type, key),
    UpdateExpression: update,
    ConditionExpression: "#ver = :ver",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

/**
 * Replaces the object at `version` in one `UpdateItem` and returns its kept `created` (see
 * the module docs). Throws `CommitConflict(0, current)` when the object is not at `version`.
 *
 * @example
 * ```ts
 * const created = await replaceObject(client, await tables.tableOf("T"), "T", "k", "3", record);
 * ```
 */
export async function replaceObject(
  client: DynamoClient,
  table: string,
  type: string,
  key: string,
  version: string,
  record: Omit<DriverRecord, "created">,
): Promise<string> {
  const token = crypto.randomUUID();
  const body = replaceRequest(table, type, key, version, record, token);
  const info: CallInfo = { attempts: 0, uncertain: false };
  try {
    const answer = await client.call<{ Attributes?: Item }>("UpdateItem", body, info);
    return answer.Attributes!.cre!.S;
  } catch (e) {
    // No table, no object.
    if (isMissingTable(e)) throw new CommitConflict(0, undefined);
    if (!(e instanceof DynamoError && e.code === "ConditionalCheckFailedException")) throw e;
    const found = e.body.Item as Item | undefined;
    // An earlier attempt applied before its answer was lost: the item is our own write.
    if (info.uncertain && found?.tok?.S === token) return found.cre!.S;
    throw new CommitConflict(0, found?.ver?.S);
  }
}
