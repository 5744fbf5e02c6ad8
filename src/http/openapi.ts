/**
 * The builder of the OpenAPI 3.1 document of the HTTP API (`GET /openapi.json`), from the
 * schemas the routes validate with (schemas.ts, whose JSON Schemas schema-kit.ts writes). It runs
 * at build time only: `node scripts/openapi.mjs` writes its output to openapi-document.ts, which
 * the app serves, so no server or bundle carries the converter.
 *
 * @module
 */
import { toJsonSchemaDefs } from "./schema-json.ts";
import * as responses from "./response-schemas.ts";
import * as requests from "./schemas.ts";

const s = { ...requests, ...responses };

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string): Json => ({ content: { "application/json": { schema: ref(name) } } });
const error = (description: string): Json => ({ description, ...body("Error") });
const ERRORS: Json = {
  "400": error("Invalid input (INVALID_* codes)"),
  "401": error("Missing or wrong bearer token"),
  "403": error("The token's scope does not allow this, or its tenant cannot reach the type named (FORBIDDEN)"),
  "405": { ...error("Method not allowed; see the Allow header"), headers: { Allow: { schema: { type: "string" } } } },
  "413": error("Body or transaction too large"),
  "500": error("Internal error (no details)"),
  "503": error("The store is unavailable or closed"),
};
const ETAG = { ETag: { description: '"<version>.<created as base36 ms>", unique per incarnation', schema: { type: "string" } } };
const TYPE = { name: "type", in: "path", required: true, schema: { type: "string" } };
const KEY = { name: "key", in: "path", required: true, description: "Percent-encoded; may contain an encoded /", schema: { type: "string" } };
const QUERY_TYPE = { name: "type", in: "query", required: true, schema: { type: "string" } };
const QUERY_KEY = { name: "key", in: "query", required: true, schema: { type: "string" } };
const IF_MATCH = { name: "If-Match", in: "header", description: 'An ETag, a bare "<version>", or *', schema: { type: "string" } };
const IF_NONE_MATCH = { name: "If-None-Match", in: "header", schema: { type: "string" } };

/** The operations of one object route (path or query-string form). */
function objectOps(params: Json[]): Json {
  const read = {
    parameters: [...params, IF_MATCH, IF_NONE_MATCH],
    responses: {
      "200": { description: "The object", headers: ETAG, ...body("StoredObject") },
      "304": { description: "Not modified (If-None-Match)", headers: ETAG },
      "404": error("No such object (OBJECT_MISSING)"),
      "412": error("If-Match does not match (WRONG_OBJECT_VERSION)"),
      ...ERRORS,
    },
  };
  return {
    get: { summary: "Read an object", ...read },
    head: { summary: "Read an object's headers", ...read },
    put: {
      summary: "Create (no If-Match; If-None-Match: * is create-only) or replace (If-Match) an object",
      parameters: [...params, IF_MATCH, IF_NONE_MATCH],
      requestBody: { required: true, description: "The JSON value", content: { "application/json": { schema: {} } } },
      responses: {
        "200": { description: "Replaced", headers: ETAG, ...body("StoredObject") },
        "201": { description: "Created", headers: { ...ETAG, Location: { schema: { type: "string" } } }, ...body("StoredObject") },
        "404": error("No such object to replace"),
        "409": error("A plain PUT of an existing object (OBJECT_EXISTS)"),
        "412": error("Precondition failed (If-Match or If-None-Match: *)"),
        ...ERRORS,
      },
    },
    delete: {
      summary: "Remove an object",
      parameters: [...params, IF_MATCH],
      responses: { "204": { description: "Removed" }, "404": error("No such object"), "412": error("If-Match does not match"), ...ERRORS },
    },
  };
}

/**
 * Builds the document.
 *
 * @example
 * ```ts
 * openApiDocument().openapi; // "3.1.0"
 * ```
 */
export function openApiDocument(): Json {
  const schemas = toJsonSchemaDefs({
    StoredObject: s.STORED_OBJECT,
    Record: s.RECORD,
    SaveResult: s.SAVE_RESULT,
    Page: s.PAGE,
    TransactionBody: s.TRANSACTION_BODY,
    StoreWrite: s.STORE_WRITE,
    RecordWrite: s.RECORD_WRITE,
    ReplaceWrite: s.REPLACE,
    TransactionResult: s.TRANSACTION_RESULT,
    Query: s.QUERY,
    QueryResult: s.QUERY_RESULT,
    Changes: s.CHANGES,
    ChangesResult: s.CHANGES_RESULT,
    Error: s.ERROR,
    Health: s.HEALTH,
    Ready: s.READY,
    Types: s.TYPES,
  });
  for (const schema of Object.values(schemas) as Json[]) delete schema.$schema;
  // The converter points at `#/$defs/<name>`; in the document the schemas live in components.
  const components = JSON.parse(JSON.stringify(schemas).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  // The writes of a transaction body: the save/remove ops, or the record-level ops, one family per body.
  (components.TransactionBody as { properties: Json }).properties.writes = {
    type: "array",
    items: { anyOf: [ref("StoreWrite"), ref("RecordWrite"), ref("ReplaceWrite")] },
  };
  const pageParams = Object.entries((toJsonSchemaDefs({ q: s.PAGE_QUERY }).q as { properties: Json }).properties)
    .map(([name, schema]) => ({ name, in: "query", required: false, schema }));
  const typesParams = Object.entries((toJsonSchemaDefs({ q: s.TYPES_QUERY }).q as { properties: Json }).properties)
    .map(([name, schema]) => ({
      name,
      in: "query",
      required: false,
      description: "1 or true: every stored name the token may reach (tenants' types <tenant>_<Type>, indexes _dsi_<namespace>), as the Remote driver lists them",
      schema,
    }));
  const simple = (summary: string, name: string, extra: Json = {}) => ({ summary, responses: { "200": { description: summary, ...body(name) }, ...extra } });
  return {
    openapi: "3.1.0",
    info: { title: "objstore HTTP API", version: "1", description: "Versioned JSON objects by type and key. See docs/http.md." },
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "API_TOKEN / API_TOKENS: comma-separated token[:scope][@tenant] entries, scope read, write (the default) or replicate; " +
            "a token bound to a tenant sees only that tenant's types, under their plain names",
        },
      },
    },
    paths: {
      "/health": { get: simple("Liveness", "Health") },
      "/ready": { get: simple("Readiness: 200 when the store can serve", "Ready", { "503": { description: "The store cannot serve", ...body("Ready") } }) },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } } } },
      "/api/types": { get: { ...simple("Types holding objects", "Types", ERRORS), security: [{ bearer: [] }], parameters: typesParams } },
      "/api/objects/{type}": {
        get: { summary: "A page of a type's objects", security: [{ bearer: [] }], parameters: [TYPE, ...pageParams], responses: { "200": { description: "A page", ...body("Page") }, ...ERRORS } },
      },
      "/api/objects/{type}/{key}": secured(objectOps([TYPE, KEY])),
      "/api/object": secured(objectOps([QUERY_TYPE, QUERY_KEY])),
      "/api/transactions": {
        post: {
          summary: "Commit writes atomically: save/remove ops, or record-level put/delete/truncate (or one replace) ops",
          security: [{ bearer: [] }],
          requestBody: { required: true, ...body("TransactionBody") },
          responses: {
            "200": { description: "Committed; one result per write", ...body("TransactionResult") },
            "404": error("A write's object is missing (with index)"),
            "409": error("A create of an existing object (with index)"),
            "412": error("A write's condition failed (with index, and current for record-level ops)"),
            ...ERRORS,
          },
        },
      },
      "/api/query": {
        post: {
          summary: "Record-level page request (what the Remote driver sends)",
          security: [{ bearer: [] }],
          requestBody: { required: true, ...body("Query") },
          responses: { "200": { description: "Matching records", ...body("QueryResult") }, ...ERRORS },
        },
      },
      "/api/changes": {
        post: {
          summary: "What changed in a type since a watermark (the Offline store's change feed)",
          security: [{ bearer: [] }],
          requestBody: { required: true, ...body("Changes") },
          responses: { "200": { description: "Changed records, the next watermark and a digest of the rest", ...body("ChangesResult") }, ...ERRORS },
        },
      },
    },
  };
}

function secured(ops: Json): Json {
  for (const op of Object.values(ops) as Json[]) {
    delete op.operationId;
    op.security = [{ bearer: [] }];
  }
  return ops;
}
