/**
 * The JSON Schemas (draft 2020-12) of schema-kit.ts schemas, as `@valibot/to-json-schema` writes
 * them for the same valibot schemas (checks it cannot express, `check`, are left out). Used by
 * the OpenAPI builder (openapi.ts) at build time only.
 *
 * @module
 */
import type { Action, Schema } from "./schema-kit.ts";

type Json = Record<string, unknown>;

function actionJson(json: Json, action: Action<never>): void {
  const size = json.type === "array" ? "Items" : "Length";
  switch (action.kind) {
    case "regex":
      json.pattern = (action.n as RegExp).source;
      break;
    case "minLength":
      json[`min${size}`] = action.n;
      break;
    case "maxLength":
      json[`max${size}`] = action.n;
      break;
    case "minValue":
      json.minimum = action.n;
      break;
    case "maxValue":
      json.maximum = action.n;
      break;
    case "integer":
      json.type = "integer";
      break;
    case "safeInteger":
      json.type = "integer";
      json.minimum = Number.MIN_SAFE_INTEGER;
      json.maximum = Number.MAX_SAFE_INTEGER;
      break;
  }
}

/** The JSON Schema of `schema`, each use of another schema written by `ref`. */
function toJson(schema: Schema<unknown>, ref: (schema: Schema<unknown>) => Json): Json {
  switch (schema.kind) {
    case "string":
    case "number":
    case "boolean":
      return { type: schema.kind };
    case "unknown":
      return {};
    case "literal":
      return { const: schema.value };
    case "picklist":
      return { enum: [...schema.value as string[]], type: "string" };
    case "optional":
      return ref(schema.inner!);
    case "nullable":
      return { anyOf: [ref(schema.inner!), { type: "null" }] };
    case "array":
      return { type: "array", items: ref(schema.inner!) };
    case "tuple":
      return { type: "array", prefixItems: schema.options!.map(ref), minItems: schema.options!.length };
    case "object": {
      const entries = schema.entries!;
      const required = Object.keys(entries).filter((key) => !entries[key]!.optional);
      const json: Json = { type: "object", properties: Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, ref(entry)])), required };
      if (schema.strict) json.additionalProperties = false;
      return json;
    }
    case "union":
      return { anyOf: schema.options!.map(ref) };
    case "variant":
      return { oneOf: schema.options!.map(ref) };
    case "pipe": {
      const json = toJson(schema.inner!, ref);
      for (const action of schema.actions!) actionJson(json, action);
      return json;
    }
  }
  throw new Error(`No JSON Schema for a ${schema.kind} schema`);
}

/**
 * The JSON Schemas of named schemas, each nested use of one of them as a `$ref` to
 * `#/$defs/<name>` (what `toJsonSchemaDefs` of `@valibot/to-json-schema` gives).
 *
 * @example
 * ```ts
 * toJsonSchemaDefs({ Version: VERSION }); // { Version: { type: "string", pattern: "^[1-9][0-9]{0,15}$" } }
 * ```
 */
export function toJsonSchemaDefs(defs: Record<string, Schema<unknown>>): Record<string, Json> {
  const names = new Map(Object.entries(defs).map(([name, schema]) => [schema, name]));
  const ref = (schema: Schema<unknown>): Json => names.has(schema) ? { $ref: `#/$defs/${names.get(schema)}` } : toJson(schema, ref);
  return Object.fromEntries(Object.entries(defs).map(([name, schema]) => [name, toJson(schema, ref)]));
}
