/**
 * The randomized differential test: a seeded sequence of mixed operations run against
 * the store and against the in-test model (model.ts), every answer compared.
 * Reproduce a failure with the env var OBJSTORE_SEED=<seed> (also OBJSTORE_OPS=<count>).
 * @module
 */
import { describe } from "bun:test";
import {
  InvalidInputError,
  ObjectExistsError,
  ObjectMissingError,
  ObjectStoreError,
  type ObjectStore,
  type Page,
  type Transaction,
  WrongObjectVersionError,
} from "../../mod.ts";
import { collect, expect, type FakeClock, type Harness } from "./harness.ts";
import { type Json, Model, ModelError, type ModelPage } from "./model.ts";
import { describeOp, generateOp, type Op, Rng, type SortSpec, updateFn } from "./random.ts";

const MAX_PAGESIZE = 7;

/** A disagreement between the store and the model. */
class DiffFailure extends Error {}
/** What a transaction's fn throws on purpose. */
class TxAbort extends Error {}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function env(name: string): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env: { get(name: string): string | undefined } };
  };
  try {
    return g.process?.env?.[name] ?? g.Deno?.env.get(name);
  } catch {
    return undefined; // Deno without --allow-env
  }
}

async function settle<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

function predict<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof ModelError) return { ok: false, error };
    throw error;
  }
}

function show(outcome: Outcome<unknown>): string {
  if (outcome.ok) return `ok ${JSON.stringify(outcome.value)?.slice(0, 300)}`;
  const e = outcome.error as { code?: string; message?: string; constructor?: { name: string } };
  return `error ${e?.constructor?.name} ${e?.code ?? ""}: ${e?.message ?? String(e)}`;
}

const CLASS_OF: Record<string, abstract new (...args: never[]) => ObjectStoreError> = {
  WRONG_OBJECT_VERSION: WrongObjectVersionError,
  OBJECT_EXISTS: ObjectExistsError,
  OBJECT_MISSING: ObjectMissingError,
  INVALID_KEY: InvalidInputError,
  INVALID_VALUE: InvalidInputError,
  INVALID_ARGUMENT: InvalidInputError,
};

function same(actual: unknown, expected: unknown, what: string): void {
  try {
    expect(actual).toEqual(expected);
  } catch (error) {
    throw new DiffFailure(`${what} (- what the model expects, + what the store gave): ${(error as Error).message}`);
  }
}

/** Compares outcomes; returns the store's error when both failed alike. */
function compare<T>(what: string, actual: Outcome<T>, expected: Outcome<T>, eq = same): unknown {
  if (actual.ok && expected.ok) {
    eq(actual.value, expected.value, what);
    return undefined;
  }
  if (!actual.ok && !expected.ok) {
    const code = (expected.error as ModelError).code;
    const error = actual.error;
    if (error instanceof DiffFailure) throw error;
    if (error instanceof ObjectStoreError && error.code === code && error instanceof CLASS_OF[code]!) return error;
  }
  throw new DiffFailure(`${what}: store gave ${show(actual)}, model expects ${show(expected)}`);
}

function asModelPage(page: Page<unknown>): ModelPage {
  const more = page.pagination.pagesize === 0 ? null : page.next !== undefined;
  return { pagination: page.pagination, result: page.result as ModelPage["result"], more };
}

/** Runs one non-transaction op on `target` and `model`; returns the store's error if both failed alike. */
async function apply(target: Transaction, model: Model, op: Op, now: string): Promise<unknown> {
  const what = describeOp(op);
  switch (op.op) {
    case "save":
      return compare(what, await settle(() => target.save(op.type, op.key, op.value as Json, op.version as never)),
        predict(() => model.save(op.type, op.key, op.value, op.version, now)));
    case "update": {
      const seen: unknown[] = [];
      const fn = updateFn(op.kind, op.value);
      const actual = await settle(() =>
        target.update(op.type, op.key, (current) => {
          seen.push(structuredClone(current));
          return fn(current) as Json;
        }, op.version as never)
      );
      const before = predict(() => model.get(op.type, op.key));
      const expected = predict(() => model.update(op.type, op.key, fn, op.version, now));
      const error = compare(what, actual, expected);
      if (seen.length > 0 && actual.ok && before.ok) same(seen[seen.length - 1], before.value?.value, `${what}: fn's argument`);
      return error;
    }
    case "remove":
      return compare(what, await settle(() => target.remove(op.type, op.key, op.options as never)),
        predict(() => model.remove(op.type, op.key, op.options?.version, op.options?.ignoreMissing ?? false)));
    case "truncate":
      return compare(what, await settle(() => target.truncate(op.type)), predict(() => model.truncate(op.type)));
    case "get":
      return compare(what, await settle(() => target.get(op.type, op.key)), predict(() => model.get(op.type, op.key)));
    case "types":
      return compare(what, await settle(async () => (await target.types()).sort()), predict(() => model.types().sort()));
    case "scan":
      return compare(what, await settle(() => collect(target.scan(op.type, { query: op.query }))),
        predict(() => model.list(op.type, op.query)));
    case "page": {
      const params = { offset: op.offset, pagesize: op.pagesize, query: op.query, sort: op.sort?.text };
      return compare(what, await settle(async () => asModelPage(await target.page(op.type, params))),
        predict(() => model.page(op.type, { ...op, sort: sortFields(op.sort) })));
    }
    default:
      throw new Error(`not a plain op: ${what}`);
  }
}

function sortFields(sort: SortSpec | undefined) {
  if (sort && sort.fields === null) throw new ModelError("INVALID_ARGUMENT");
  return sort?.fields ?? undefined;
}

async function walk(store: ObjectStore, model: Model, op: Extract<Op, { op: "walk" }>): Promise<void> {
  const what = describeOp(op);
  const list = model.list(op.type, op.query, sortFields(op.sort));
  const size = model.effectivePagesize(op.pagesize);
  let page = await store.page(op.type, { pagesize: op.pagesize, query: op.query, sort: op.sort?.text });
  same(asModelPage(page), model.page(op.type, { ...op, sort: sortFields(op.sort) }), `${what} page 0`);
  for (let i = 1; page.next !== undefined; i++) {
    if (i > list.length + 1) throw new DiffFailure(`${what}: the walk does not end`);
    const again = op.repeat ? { query: op.query, sort: op.sort?.text } : {};
    page = await store.page(op.type, { cursor: page.next, pagesize: op.pagesize, ...again });
    same(
      { total: page.pagination.total, pagesize: page.pagination.pagesize, result: page.result, more: page.next !== undefined },
      { total: -1, pagesize: size, result: list.slice(i * size, (i + 1) * size), more: (i + 1) * size < list.length },
      `${what} page ${i}`,
    );
  }
}

async function transaction(store: ObjectStore, model: Model, op: Extract<Op, { op: "tx" }>, now: string) {
  let runs = 0;
  let staged = model;
  let thrown: unknown;
  const log: string[] = [];
  const abort = op.throwAtEnd ? new TxAbort("abort on purpose") : undefined;
  let view = new TxView();
  const fn = async (tx: Transaction) => {
    runs++;
    thrown = undefined;
    staged = model.clone();
    view = new TxView();
    const rng = new Rng(op.seed);
    for (let i = 0; i < op.length; i++) {
      const inner = generateOp(rng, staged, true);
      if (runs === 1) log.push(describeOp(inner));
      const error = await applyInTx(tx, staged, view, inner, now);
      if (error !== undefined) throw (thrown = error);
    }
    if (abort) throw (thrown = abort);
    return op.seed;
  };
  const options = op.retries === undefined ? undefined : { retries: op.retries };
  const outcome = await settle(() => store.transaction(fn, options));
  const what = `${describeOp(op)} with [${log.join(", ")}]`;
  if (!outcome.ok && outcome.error instanceof DiffFailure) throw new DiffFailure(`${what}: ${outcome.error.message}`);
  const wrong = thrown instanceof WrongObjectVersionError;
  same(runs, wrong ? (op.retries ?? 0) + 1 : 1, `${what}: runs of fn`);
  if (thrown !== undefined) {
    if (outcome.ok || outcome.error !== thrown) {
      throw new DiffFailure(`${what}: fn threw ${show({ ok: false, error: thrown })}, transaction gave ${show(outcome)}`);
    }
    return;
  }
  if (view.doomed.size > 0) {
    // A create of an existing key the transaction never read fails at commit, writing nothing.
    const ok = !outcome.ok && outcome.error instanceof ObjectExistsError && outcome.error.code === "OBJECT_EXISTS";
    if (!ok) throw new DiffFailure(`${what}: commit gave ${show(outcome)}, model expects OBJECT_EXISTS for ${[...view.doomed].join(", ")}`);
    return;
  }
  same(outcome, { ok: true, value: op.seed }, `${what}: result`);
  model.adopt(staged);
}

/**
 * What a transaction did that decides whether a create reads its key: keys it read or wrote,
 * types it truncated, and the creates checked only at commit that will fail there.
 */
class TxView {
  readonly touched = new Set<string>();
  readonly truncated = new Set<string>();
  readonly doomed = new Set<string>();
}

/**
 * {@link apply} inside a transaction: a create (save without version) of a key the transaction
 * never read or wrote, in a type it did not truncate, is checked only at commit. Over an
 * existing object it succeeds in the transaction (a new version 1) and dooms the commit; a
 * later remove of that key, or a truncate of its type, fails at once with OBJECT_EXISTS.
 */
async function applyInTx(tx: Transaction, staged: Model, view: TxView, op: Op, now: string): Promise<unknown> {
  const id = "key" in op ? `${op.type}\n${op.key}` : "";
  if (op.op === "save" && op.version === undefined && !view.touched.has(id) && !view.truncated.has(op.type)) {
    const actual = await settle(() => tx.save(op.type, op.key, op.value as Json, undefined));
    let expected = predict(() => staged.save(op.type, op.key, op.value, undefined, now));
    if (!expected.ok && (expected.error as ModelError).code === "OBJECT_EXISTS") {
      expected = predict(() => staged.createOver(op.type, op.key, op.value as Json, now));
      view.doomed.add(id);
    }
    const error = compare(describeOp(op), actual, expected);
    if (error === undefined) view.touched.add(id);
    return error;
  }
  const doomedRemove = op.op === "remove" && view.doomed.has(id);
  const doomedTruncate = op.op === "truncate" && [...view.doomed].some((d) => d.startsWith(`${op.type}\n`));
  if (doomedRemove || doomedTruncate) {
    const actual = op.op === "remove"
      ? await settle(() => tx.remove(op.type, op.key, op.options as never))
      : await settle(() => tx.truncate(op.type));
    let expected = predict(() => op.op === "remove"
      ? staged.clone().remove(op.type, op.key, op.options?.version, op.options?.ignoreMissing ?? false)
      : staged.clone().truncate(op.type));
    // Bad arguments are reported first; otherwise the create's check is made now and fails.
    if (expected.ok || !(expected.error as ModelError).code.startsWith("INVALID_")) expected = { ok: false, error: new ModelError("OBJECT_EXISTS") };
    return compare(describeOp(op), actual, expected);
  }
  const error = await apply(tx, staged, op, now);
  if (error === undefined && id !== "") view.touched.add(id);
  if (error === undefined && op.op === "truncate") view.truncated.add(op.type);
  return error;
}

async function everything(store: ObjectStore, model: Model): Promise<void> {
  const types = (await store.types()).sort();
  same(types, model.types().sort(), "types() in the full comparison");
  for (const type of types) same(await collect(store.scan(type)), model.list(type), `full contents of ${type}`);
}

export async function runDifferential(store: ObjectStore, clock: FakeClock, seed: number, count: number) {
  const rng = new Rng(seed);
  const model = new Model(MAX_PAGESIZE);
  const history: string[] = [];
  for (let step = 0; step <= count; step++) {
    const op = generateOp(rng, model, false);
    history.push(`${step}: ${describeOp(op)}`);
    try {
      const now = clock.iso();
      if (step === count || step % 250 === 249) await everything(store, model);
      else if (op.op === "tx") await transaction(store, model, op, now);
      else if (op.op === "walk") await walk(store, model, op);
      else await apply(store, model, op, now);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `differential run failed: seed ${seed} (reproduce: OBJSTORE_SEED=${seed}), step ${step}\n` +
          `last operations:\n  ${history.slice(-12).join("\n  ")}\n${message}`,
      );
    }
    if (rng.chance(0.7)) clock.advance(1 + rng.int(3000));
  }
}

export function differentialCases(h: Harness): void {
  describe("differential", () => {
    const fromEnv = Number(env("OBJSTORE_SEED"));
    const seeds = Number.isInteger(fromEnv) && fromEnv > 0 ? [fromEnv] : h.settings.differentialSeeds ?? [1, 20240102, 987654321];
    const count = Number(env("OBJSTORE_OPS")) || h.settings.differentialOperations || 2000;
    for (const seed of seeds) {
      h.test(`seed ${seed}: ${count} random operations agree with the model`, async () => {
        const store = await h.open({ maxPagesize: MAX_PAGESIZE });
        await runDifferential(store, h.clock, seed, count);
      }, h.settings.slowTimeout ?? 60_000);
    }
  });
}
