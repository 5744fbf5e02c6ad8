/**
 * Atomic commits with optimistic concurrency, checked by DynamoDB itself:
 *
 * - every commit, a single write included, is one `TransactWriteItems` with a
 *   `ClientRequestToken` and the write conditions (`attribute_not_exists(pk)` on create,
 *   `attribute_exists(pk)`, `ver = :ver`), with `ReturnValuesOnConditionCheckFailure: ALL_OLD`
 *   so a conflict reports the current version without another read;
 * - a retry after a lost answer resends the same token: DynamoDB answers success without
 *   applying it again when the first attempt had applied (for 10 minutes), whatever other
 *   writers did since, so a lost answer is never a false conflict nor a second effect (a plain
 *   conditional `PutItem`/`DeleteItem` cannot tell "mine, then changed by another writer" from
 *   "never mine"); when every attempt went unanswered, the error says the outcome is unknown;
 * - more than 100 items (or 4 MB) → `TRANSACTION_TOO_LARGE` before anything is sent;
 * - a missing table holds no object: a lone delete needs no table created.
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
import { type DynamoClient, isCode, RETRYABLE } from "./client.ts";
import { encodeItem, type Item, itemSize, keyOf } from "./codec.ts";
import { isMissingTable, queryPages } from "./listing.ts";
import type { Tables } from "./tables.ts";

/** What a commit needs from the driver. */
export interface CommitContext {
  client: DynamoClient;
  tables: Tables;
  /** Makes sure the types are in the registry before objects of them are written. */
  register(types: string[]): Promise<unknown>;
}

/** One item operation of a commit; `index` is the write's index, -1 for a truncate's delete. */
interface Op {
  index: number;
  table: string;
  key: Item;
  /** The item of a put; none for a delete. */
  item?: Item;
  expect: Expect;
}

const tooLarge = (what: string) =>
  new ObjectStoreError("TRANSACTION_TOO_LARGE", `Commit too large for one DynamoDB transaction: ${what} (at most 100 items, 4 MB)`);

/**
 * Applies `writes` atomically (see the module docs).
 *
 * @example
 * ```ts
 * await commitWrites(ctx, [{ op: "delete", type: "T", key: "k", expect: { version: "3" } }]);
 * ```
 */
export async function commitWrites(ctx: CommitContext, writes: Write[]): Promise<void> {
  const { client, tables } = ctx;
  const typesOf = (op: Write["op"]) => writes.flatMap((w) => (w.op === op ? [w.type] : []));
  const truncated = new Set(typesOf("truncate"));
  const ops: Op[] = [];
  const written = new Set<string>();
  for (const [index, write] of writes.entries()) {
    if (write.op === "truncate") continue;
    let expect = write.expect;
    if (truncated.has(write.type)) {
      // The type is emptied first in this commit: the object counts as absent.
      if (!satisfies(expect, undefined)) throw new CommitConflict(index, undefined);
      if (write.op === "delete") continue;
      expect = { any: true };
    }
    const item = write.op === "put" ? encodeItem(write.type, write.record) : undefined;
    ops.push({ index, table: await tables.tableOf(write.type), key: keyOf(write.type, write.key), item, expect });
    written.add(`${write.type}\n${write.key}`);
  }
  if (ops.length === 0) {
    for (const type of truncated) await truncateType(client, await tables.tableOf(type), type);
    return;
  }
  for (const type of truncated) {
    const table = await tables.tableOf(type);
    for await (const page of queryPages(client, table, type, { projection: "sk" })) {
      for (const { sk } of page.Items) {
        if (!written.has(`${type}\n${sk!.S}`)) ops.push({ index: -1, table, key: keyOf(type, sk!.S), expect: { any: true } });
      }
      if (ops.length > 100) break;
    }
  }
  if (ops.length > 100) throw tooLarge("more than 100 items");
  const bytes = ops.reduce((sum, op) => sum + (op.item ? itemSize(op.item) : 0), 0);
  if (bytes > 4 * 1024 * 1024) throw tooLarge(`${bytes} bytes of items`);
  await ctx.register(typesOf("put"));
  const lone = ops.length === 1 && !ops[0]!.item ? ops[0] : undefined;
  await tables.creating<unknown>([...new Set(ops.map((op) => op.table))], () =>
    transact(client, ops).catch((e) => {
      // A missing table holds no object: a lone delete needs no table created.
      if (!lone || !isMissingTable(e)) throw e;
      if (!satisfies(lone.expect, undefined)) throw new CommitConflict(lone.index, undefined);
    }));
}

/** The request of an op, its condition the op's `expect`. */
function request(op: Op): Record<string, unknown> {
  const { expect } = op;
  const condition = "absent" in expect ? "attribute_not_exists(pk)" : "present" in expect ? "attribute_exists(pk)" : "version" in expect ? "ver = :ver" : undefined;
  return {
    TableName: op.table,
    [op.item ? "Item" : "Key"]: op.item ?? op.key,
    ConditionExpression: condition,
    ExpressionAttributeValues: "version" in expect ? { ":ver": { S: expect.version } } : undefined,
    ReturnValuesOnConditionCheckFailure: condition && "ALL_OLD",
  };
}

async function transact(client: DynamoClient, ops: Op[]): Promise<void> {
  let token = crypto.randomUUID();
  const TransactItems = ops.map((op) => ({ [op.item ? "Put" : "Delete"]: request(op) }));
  for (let attempt = 1; ; attempt++) {
    const info = { uncertain: false };
    try {
      return void await client.call("TransactWriteItems", { TransactItems, ClientRequestToken: token }, info);
    } catch (e) {
      if (info.uncertain && e instanceof BackendError) {
        throw new BackendError("BACKEND_UNAVAILABLE", `${e.message}; an attempt got no answer, so whether the write was applied is unknown`, { cause: e.cause });
      }
      if (!isCode(e, "TransactionCanceledException")) throw e;
      const reasons: { Code: string; Item?: Item }[] = e.body.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === "ConditionalCheckFailed");
      if (failed >= 0) throw new CommitConflict(ops[failed]!.index, reasons[failed]!.Item?.ver?.S);
      // Cancelled for contention or throttling: nothing applied; try again with a new token.
      if (attempt >= client.attempts || !reasons.some((r) => RETRYABLE.test(r.Code))) throw e;
      await client.backoff(attempt);
      token = crypto.randomUUID();
    }
  }
}

/** Deletes every object of a type: keys page by page, `BatchWriteItem` 25 at a time, 4 at once. */
async function truncateType(client: DynamoClient, table: string, type: string): Promise<void> {
  for await (const page of queryPages(client, table, type, { projection: "sk" })) {
    const requests = page.Items.map(({ sk }) => ({ DeleteRequest: { Key: keyOf(type, sk!.S) } }));
    for (let i = 0; i < requests.length; i += 100) {
      await Promise.all([0, 25, 50, 75].map((j) => deleteBatch(client, table, requests.slice(i + j, i + j + 25))));
    }
  }
}

async function deleteBatch(client: DynamoClient, table: string, requests: unknown[]): Promise<void> {
  for (let attempt = 1; requests.length > 0; attempt++) {
    if (attempt > client.attempts) {
      throw new BackendError("BACKEND_UNAVAILABLE", `DynamoDB truncate: ${requests.length} deletes unprocessed after ${client.attempts} attempts`);
    }
    if (attempt > 1) await client.backoff(attempt - 2);
    const answer = await client.call("BatchWriteItem", { RequestItems: { [table]: requests } });
    requests = answer.UnprocessedItems?.[table] ?? [];
  }
}
