/**
 * Atomic commits with optimistic concurrency, checked by DynamoDB itself:
 *
 * - one write = one conditional `PutItem` / `DeleteItem` (`attribute_not_exists(pk)` on
 *   create, `attribute_exists(pk)`, `ver = :v`), with `ReturnValuesOnConditionCheckFailure:
 *   ALL_OLD` so a conflict reports the current version without another read;
 * - several writes = one `TransactWriteItems` with the same conditions and a
 *   `ClientRequestToken`, so a retry of a transaction that did apply is answered as success;
 * - more than 100 items (or 4 MB) → `TRANSACTION_TOO_LARGE` before anything is sent;
 * - a retried single write that failed its condition is checked against the item it found:
 *   our own commit token (`tok`) there, or for a delete no item at all, means the earlier
 *   attempt applied, so it is not reported as a conflict.
 *
 * Truncate alone follows every page of the type's keys and batch-deletes 25 at a time (not
 * atomic: an object created meanwhile may survive). Truncate together with other writes is
 * one transaction: the type's keys are read, then deleted unconditionally in the same
 * `TransactWriteItems` as the writes; past 100 items in all it is `TRANSACTION_TOO_LARGE`.
 *
 * @module
 */
import { CommitConflict, type Expect, satisfies, type Write } from "../../driver.ts";
import { BackendError, ObjectStoreError } from "../../errors.ts";
import { type CallInfo, type DynamoClient, DynamoError } from "./client.ts";
import { encodeItem, type Item, itemSize, keyOf } from "./codec.ts";
import { isMissingTable, namesFor, queryPages } from "./listing.ts";
import type { Tables } from "./tables.ts";

/** DynamoDB's limits of one `TransactWriteItems`. */
export const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** What a commit needs from the driver. */
export interface CommitContext {
  client: DynamoClient;
  tables: Tables;
  /** Makes sure the types are in the registry before objects of them are written. */
  register(types: Iterable<string>): Promise<void>;
}

/** One item operation of a commit; `index` is the write's index, -1 for a truncate's delete. */
interface Op {
  index: number;
  kind: "Put" | "Delete";
  table: string;
  item?: Item;
  key: Item;
  expect: Expect;
}

/**
 * Applies `writes` atomically (see the module docs).
 *
 * @example
 * ```ts
 * await commitWrites(ctx, [{ op: "delete", type: "T", key: "k", expect: { version: "3" } }]);
 * ```
 */
export async function commitWrites(ctx: CommitContext, writes: Write[]): Promise<void> {
  const truncated = new Set<string>();
  for (const write of writes) if (write.op === "truncate") truncated.add(write.type);
  const token = crypto.randomUUID();
  const ops: Op[] = [];
  const putKeys = new Set<string>();
  for (const [index, write] of writes.entries()) {
    if (write.op === "truncate") continue;
    const table = await ctx.tables.tableOf(write.type);
    if (truncated.has(write.type)) {
      // The type is emptied first in this commit: the object counts as absent.
      if (!satisfies(write.expect, undefined)) throw new CommitConflict(index, undefined);
      if (write.op === "delete") continue;
    }
    const expect: Expect = truncated.has(write.type) ? { any: true } : write.expect;
    const key = keyOf(write.type, write.key);
    if (write.op === "put") {
      ops.push({ index, kind: "Put", table, item: encodeItem(write.type, write.record, token), key, expect });
      putKeys.add(`${write.type}\n${write.key}`);
    } else {
      ops.push({ index, kind: "Delete", table, key, expect });
    }
  }
  if (ops.length === 0) {
    for (const type of truncated) await truncateType(ctx, type);
    return;
  }
  if (ops.length > MAX_TRANSACTION_ITEMS) throw tooLarge(`${ops.length} writes`);
  for (const type of truncated) {
    const table = await ctx.tables.tableOf(type);
    for await (const page of queryPages(ctx.client, { table, type, terms: [], projection: "#sk" })) {
      for (const item of page.Items ?? []) {
        if (putKeys.has(`${type}\n${item.sk!.S}`)) continue;
        ops.push({ index: -1, kind: "Delete", table, key: keyOf(type, item.sk!.S), expect: { any: true } });
        if (ops.length > MAX_TRANSACTION_ITEMS) throw tooLarge(`truncating ${type} with other writes needs more than ${MAX_TRANSACTION_ITEMS} items`);
      }
    }
  }
  const bytes = ops.reduce((sum, op) => sum + (op.item ? itemSize(op.item) : 0), 0);
  if (bytes > MAX_TRANSACTION_BYTES) throw tooLarge(`${bytes} bytes of items (DynamoDB allows 4 MB per transaction)`);
  await ctx.register(new Set(writes.flatMap((w) => (w.op === "put" ? [w.type] : []))));
  const tables = [...new Set(ops.map((op) => op.table))];
  await withTables(ctx, tables, () => (ops.length === 1 ? writeOne(ctx.client, ops[0]!, token) : transact(ctx.client, ops, token)));
}

/** Runs `action`; when a table is missing, creates the tables and runs it once more. */
async function withTables<T>(ctx: CommitContext, tables: string[], action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (!isMissingTable(e)) throw e;
  }
  for (const table of tables) ctx.tables.forget(table);
  await Promise.all(tables.map((table) => ctx.tables.ensure(table)));
  return await action();
}

/** The condition of an op, as DynamoDB expression parts. */
function condition(expect: Expect): { ConditionExpression?: string; ExpressionAttributeValues?: Record<string, { S: string }> } {
  if ("absent" in expect) return { ConditionExpression: "attribute_not_exists(#pk)" };
  if ("present" in expect) return { ConditionExpression: "attribute_exists(#pk)" };
  if ("version" in expect) return { ConditionExpression: "#ver = :ver", ExpressionAttributeValues: { ":ver": { S: expect.version } } };
  return {};
}

function request(op: Op): Record<string, unknown> {
  const cond = condition(op.expect);
  const body: Record<string, unknown> = { TableName: op.table, ...cond };
  if (op.kind === "Put") body.Item = op.item;
  else body.Key = op.key;
  if (cond.ConditionExpression) {
    body.ExpressionAttributeNames = namesFor(cond.ConditionExpression);
    body.ReturnValuesOnConditionCheckFailure = "ALL_OLD";
  }
  return body;
}

async function writeOne(client: DynamoClient, op: Op, token: string): Promise<void> {
  const info: CallInfo = { attempts: 0, uncertain: false };
  try {
    await client.call(op.kind === "Put" ? "PutItem" : "DeleteItem", request(op), info);
  } catch (e) {
    if (op.kind === "Delete" && isMissingTable(e)) {
      // No table, no object.
      if (satisfies(op.expect, undefined)) return;
      throw new CommitConflict(op.index, undefined);
    }
    if (!(e instanceof DynamoError && e.code === "ConditionalCheckFailedException")) throw e;
    const found = e.body.Item as Item | undefined;
    // An earlier attempt may have applied before its answer was lost: then what we find is our own doing.
    if (info.uncertain && (op.kind === "Put" ? found?.tok?.S === token : found === undefined)) return;
    throw new CommitConflict(op.index, found?.ver?.S);
  }
}

const RETRY_REASONS = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"]);

async function transact(client: DynamoClient, ops: Op[], firstToken: string): Promise<void> {
  const items = ops.map((op) => ({ [op.kind]: request(op) }));
  let token = firstToken;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.call("TransactWriteItems", { TransactItems: items, ClientRequestToken: token });
      return;
    } catch (e) {
      if (!(e instanceof DynamoError && e.code === "TransactionCanceledException")) throw e;
      const reasons = (e.body.CancellationReasons ?? []) as { Code?: string; Item?: Item }[];
      for (const [i, reason] of reasons.entries()) {
        if (reason.Code === "ConditionalCheckFailed") throw new CommitConflict(ops[i]!.index, reason.Item?.ver?.S);
      }
      // Cancelled for contention or throttling: nothing applied; try again with a new token.
      if (!reasons.some((r) => RETRY_REASONS.has(r.Code ?? "")) || attempt + 1 >= client.attempts) throw e;
      await client.backoff(attempt);
      token = crypto.randomUUID();
    }
  }
}

/** Deletes every object of a type: keys page by page, `BatchWriteItem` 25 at a time. */
async function truncateType(ctx: CommitContext, type: string): Promise<void> {
  const table = await ctx.tables.tableOf(type);
  for await (const page of queryPages(ctx.client, { table, type, terms: [], projection: "#pk, #sk" })) {
    const keys = (page.Items ?? []).map((item) => keyOf(type, item.sk!.S));
    const batches: Item[][] = [];
    for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(batches.slice(i, i + 4).map((batch) => deleteBatch(ctx.client, table, batch)));
    }
  }
}

async function deleteBatch(client: DynamoClient, table: string, keys: Item[]): Promise<void> {
  let requests: unknown[] = keys.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt >= client.attempts) {
        throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB left ${requests.length} deletes of a truncate unprocessed after ${attempt} attempts`);
      }
      await client.backoff(attempt - 1);
    }
    const answer = await client.call<{ UnprocessedItems?: Record<string, unknown[]> }>("BatchWriteItem", { RequestItems: { [table]: requests } });
    requests = answer.UnprocessedItems?.[table] ?? [];
  }
}

function tooLarge(what: string): ObjectStoreError {
  return new ObjectStoreError("TRANSACTION_TOO_LARGE", `Commit too large for one DynamoDB transaction: ${what} (at most ${MAX_TRANSACTION_ITEMS} items, 4 MB)`);
}
