/**
 * The schema functions the HTTP API's schemas are written with (schemas.ts): the part of
 * valibot's API they use, with valibot's semantics (an object's output holds only its known
 * keys, a union answers its first option that fits, a variant picks its option by one key).
 * Each schema says what it is (`kind` and its parts), from which schema-json.ts writes its JSON
 * Schema for the OpenAPI document at build time. valibot itself is ~3 KB gzip of a Worker
 * bundle; this is about 1 KB. test/http-schema-kit.test.ts checks both against valibot on the
 * same schema definitions.
 *
 * @module
 */

/** One problem with an input: where (`path`) and what (`message`). */
export interface Issue {
  /** The keys and indexes leading to the value in the input (none for the input itself). */
  path?: { key: PropertyKey }[];
  /** What is wrong. */
  message: string;
}

/** A schema whose valid inputs give outputs of type `T`. */
export interface Schema<T = unknown> {
  /** Checks `input`: its output, or the first issue at `path`. */
  run(input: unknown, path: { key: PropertyKey }[]): { output: T } | { issue: Issue };
  /** What the schema is (schema-json.ts writes its JSON Schema from this and the fields below). */
  readonly kind: string;
  /** Whether an object may lack the key (optional). */
  readonly optional?: boolean;
  /** The entries, for objects (a variant reads its options' discriminators). */
  readonly entries?: Record<string, Schema<unknown>>;
  /** The wrapped schema (optional, nullable, pipe) or the item schema (array). */
  readonly inner?: Schema<unknown>;
  /** The options (union, variant) or the items (tuple). */
  readonly options?: readonly Schema<unknown>[];
  /** The value (literal) or the values (picklist). */
  readonly value?: unknown;
  /** Whether an object refuses other keys (strictObject). */
  readonly strict?: boolean;
  /** A pipe's actions. */
  readonly actions?: readonly Action<never>[];
  /** Type only: the output type. */
  readonly _output?: T;
}

/** A check on an already typed value (a pipe's action). */
export interface Action<T> {
  /** What it checks (schema-json.ts writes its JSON Schema keywords from this and `n`). */
  kind: string;
  /** Its bound or pattern. */
  n?: number | RegExp;
  /** Whether `value` passes. */
  test(value: T): boolean;
  /** The issue's message when it does not. */
  message: string;
}

/** The output type of a schema. */
export type InferOutput<S> = S extends Schema<infer T> ? T : never;
/** An issue (valibot's name). */
export type BaseIssue<_T> = Issue;

type Entries = Record<string, Schema<unknown>>;
type OptionalKeys<E extends Entries> = { [K in keyof E]: E[K] extends { optional: true } ? K : never }[keyof E];
type ObjectOutput<E extends Entries> =
  & { -readonly [K in Exclude<keyof E, OptionalKeys<E>>]: InferOutput<E[K]> }
  & { -readonly [K in OptionalKeys<E>]?: InferOutput<E[K]> };

const describe = (input: unknown): string =>
  input === null ? "null" : Array.isArray(input) ? "Array" : typeof input === "object" ? "Object" : typeof input === "string" ? `"${input}"` : String(input);
const fail = (path: { key: PropertyKey }[], message: string): { issue: Issue } => ({ issue: path.length > 0 ? { path, message } : { message } });

/* @__NO_SIDE_EFFECTS__ */
function primitive<T>(kind: string, is: (input: unknown) => boolean, message?: string, value?: unknown): Schema<T> {
  return {
    kind,
    value,
    run: (input, path) => is(input) ? { output: input as T } : fail(path, message ?? `Invalid type: Expected ${kind} but received ${describe(input)}`),
  };
}

/** A string. */
/* @__NO_SIDE_EFFECTS__ */
export function string(message?: string): Schema<string> {
  return primitive("string", (i) => typeof i === "string", message);
}
/** A number (not NaN). */
/* @__NO_SIDE_EFFECTS__ */
export function number(message?: string): Schema<number> {
  return primitive("number", (i) => typeof i === "number" && !Number.isNaN(i), message);
}
/** A boolean. */
/* @__NO_SIDE_EFFECTS__ */
export function boolean(message?: string): Schema<boolean> {
  return primitive("boolean", (i) => typeof i === "boolean", message);
}
/** Anything. */
/* @__NO_SIDE_EFFECTS__ */
export function unknown(): Schema<unknown> {
  return primitive("unknown", () => true);
}

/** Exactly `value`. */
/* @__NO_SIDE_EFFECTS__ */
export function literal<const L extends string | number | boolean>(value: L): Schema<L> {
  return primitive("literal", (i) => i === value, `Invalid type: Expected ${JSON.stringify(value)}`, value);
}

/** One of `options`. */
/* @__NO_SIDE_EFFECTS__ */
export function picklist<const O extends readonly string[]>(options: O, message?: string): Schema<O[number]> {
  return primitive("picklist", (i) => options.includes(i as string), message ?? `Invalid type: Expected ${options.join(" | ")}`, options);
}

/** `schema`, or the key absent (`undefined`). */
/* @__NO_SIDE_EFFECTS__ */
export function optional<S extends Schema<unknown>>(schema: S): Schema<InferOutput<S> | undefined> & { optional: true } {
  return {
    kind: "optional",
    optional: true,
    inner: schema,
    run: (input, path) => input === undefined ? { output: undefined } : schema.run(input, path) as { output: InferOutput<S> },
  };
}

/** `schema` or `null`. */
/* @__NO_SIDE_EFFECTS__ */
export function nullable<S extends Schema<unknown>>(schema: S): Schema<InferOutput<S> | null> {
  return {
    kind: "nullable",
    inner: schema,
    run: (input, path) => input === null ? { output: null } : schema.run(input, path) as { output: InferOutput<S> },
  };
}

/** An array of `item`. */
/* @__NO_SIDE_EFFECTS__ */
export function array<S extends Schema<unknown>>(item: S): Schema<InferOutput<S>[]> {
  return {
    kind: "array",
    inner: item,
    run(input, path) {
      if (!Array.isArray(input)) return fail(path, `Invalid type: Expected Array but received ${describe(input)}`);
      const output: InferOutput<S>[] = [];
      for (let i = 0; i < input.length; i++) {
        const result = item.run(input[i], [...path, { key: i }]);
        if ("issue" in result) return result;
        output.push(result.output as InferOutput<S>);
      }
      return { output };
    },
  };
}

/** An array starting with one value per item schema (extra values are dropped from the output). */
/* @__NO_SIDE_EFFECTS__ */
export function tuple<const S extends readonly Schema<unknown>[]>(items: S): Schema<{ -readonly [K in keyof S]: InferOutput<S[K]> }> {
  return {
    kind: "tuple",
    options: items,
    run(input, path) {
      if (!Array.isArray(input)) return fail(path, `Invalid type: Expected Array but received ${describe(input)}`);
      const output: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const result = items[i]!.run(input[i], [...path, { key: i }]);
        if ("issue" in result) return result;
        output.push(result.output);
      }
      return { output: output as { -readonly [K in keyof S]: InferOutput<S[K]> } };
    },
  };
}

/* @__NO_SIDE_EFFECTS__ */
function objectSchema<E extends Entries>(entries: E, strict: boolean, message?: string): Schema<ObjectOutput<E>> {
  return {
    kind: "object",
    entries,
    strict,
    run(input, path) {
      if (!input || typeof input !== "object") return fail(path, message ?? `Invalid type: Expected Object but received ${describe(input)}`);
      const output: Record<string, unknown> = {};
      for (const key in entries) {
        const schema = entries[key]!;
        if (key in input) {
          const result = schema.run((input as Record<string, unknown>)[key], [...path, { key }]);
          if ("issue" in result) return result;
          output[key] = result.output;
        } else if (!schema.optional) {
          return fail([...path, { key }], `Invalid key: Expected "${key}" but received undefined`);
        }
      }
      if (strict) for (const key in input) if (!(key in entries)) return fail([...path, { key }], `Invalid key: Expected never but received "${key}"`);
      return { output: output as ObjectOutput<E> };
    },
  };
}

/** An object with these entries; other keys are left out of the output. */
/* @__NO_SIDE_EFFECTS__ */
export function object<E extends Entries>(entries: E, message?: string): Schema<ObjectOutput<E>> {
  return objectSchema(entries, false, message);
}
/** An object with these entries and no other key. */
/* @__NO_SIDE_EFFECTS__ */
export function strictObject<E extends Entries>(entries: E, message?: string): Schema<ObjectOutput<E>> {
  return objectSchema(entries, true, message);
}

/** The first of `options` that fits. */
/* @__NO_SIDE_EFFECTS__ */
export function union<const S extends readonly Schema<unknown>[]>(options: S, message?: string): Schema<InferOutput<S[number]>> {
  return {
    kind: "union",
    options,
    run(input, path) {
      for (const option of options) {
        const result = option.run(input, path);
        if ("output" in result) return result as { output: InferOutput<S[number]> };
      }
      return fail(path, message ?? `Invalid type: Expected ${options.length} options but received ${describe(input)}`);
    },
  };
}

/** The object option whose `key` entry fits the input's `key`. */
/* @__NO_SIDE_EFFECTS__ */
export function variant<const S extends readonly Schema<unknown>[]>(key: string, options: S, message?: string): Schema<InferOutput<S[number]>> {
  return {
    kind: "variant",
    options,
    run(input, path) {
      if (!input || typeof input !== "object") return fail(path, message ?? `Invalid type: Expected Object but received ${describe(input)}`);
      const value = (input as Record<string, unknown>)[key];
      const option = options.find((o) => "output" in o.entries![key]!.run(value, []));
      if (!option) return fail([...path, { key }], message ?? `Invalid type: Expected ${key} to fit an option but received ${describe(value)}`);
      return option.run(input, path) as { output: InferOutput<S[number]> } | { issue: Issue };
    },
  };
}

/** `schema`, then each action in turn (all must pass). */
/* @__NO_SIDE_EFFECTS__ */
export function pipe<S extends Schema<unknown>>(schema: S, ...actions: Action<InferOutput<S>>[]): S {
  return {
    ...schema,
    kind: "pipe",
    inner: schema,
    actions: actions as Action<never>[],
    run(input, path) {
      const result = schema.run(input, path);
      if ("issue" in result) return result;
      const failed = actions.find((a) => !a.test(result.output as InferOutput<S>));
      return failed ? fail(path, failed.message) : result;
    },
  };
}

// The pipe actions (regex, minLength, ..., check) are in schema-actions.ts.
export { check, integer, maxLength, maxValue, minLength, minValue, regex, safeInteger } from "./schema-actions.ts";

/** Checks `input` against `schema`: its output, or its first issue (as `issues[0]`). */
export function safeParse<S extends Schema<unknown>>(schema: S, input: unknown): { success: true; output: InferOutput<S> } | { success: false; issues: [Issue] } {
  const result = schema.run(input, []);
  return "issue" in result ? { success: false, issues: [result.issue] } : { success: true, output: result.output as InferOutput<S> };
}

/** The issue's path as `a.b.0`, or null when it has none. */
export function getDotPath(issue: Issue): string | null {
  return issue.path?.map((p) => String(p.key)).join(".") || null;
}
