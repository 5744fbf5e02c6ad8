/**
 * One object over HTTP: `GET`/`HEAD`/`PUT`/`DELETE /api/objects/:type/:key` with `ETag`,
 * `If-Match`, `If-None-Match` and `Location` (RFC 9110; see docs/http.md).
 *
 * @module
 */
import type { Driver } from "../driver.ts";
import { InvalidInputError, ObjectMissingError } from "../errors.ts";
import type { JsonValue, ObjectStore, SaveResult, StoredObject, Transaction } from "../types.ts";
import { checkKey } from "../validate.ts";
import { HttpError } from "./errors.ts";
import { entityTags, etag, strongMatch, weakMatch, type WriteCondition, writeCondition } from "./etag.ts";
import { checkConnected, parseJson, pathAndQuery, readBody } from "./request.ts";

/** The methods of an object route, as its 405 `Allow` header names them. */
export const OBJECT_METHODS = "GET, HEAD, PUT, DELETE";

/**
 * Answers one object request; `bodyLimit` bounds a PUT body. With `stored` (the store's
 * driver), `type` is a stored name (a tenant's type or an index, checked by the caller): GET and
 * HEAD read its record from that driver, writes are 400 (they go through record-level ops).
 *
 * @example
 * ```ts
 * const response = await objectResponse(store, request, "Person", "ann", 1024 * 1024);
 * ```
 */
export async function objectResponse(store: ObjectStore, request: Request, type: string, key: string, bodyLimit: number, stored?: Driver): Promise<Response> {
  const headers = request.headers;
  const method = request.method === "HEAD" ? "GET" : request.method;
  if (stored && (method === "PUT" || method === "DELETE")) {
    throw new InvalidInputError(
      "INVALID_OBJECT_TYPE",
      `Invalid object type: ${JSON.stringify(type)} is a stored name (a tenant's type or an index), read-only here: write it with record-level ops of POST /api/transactions or a token bound to its tenant`,
    );
  }
  switch (method) {
    case "GET": {
      const object = stored ? await readStored(stored, type, key) : await store.get(type, key);
      if (!object) throw missing(type, key);
      const tag = etag(object);
      const match = entityTags(headers.get("if-match"), "If-Match");
      if (match !== undefined && match !== "*" && !strongMatch(match, object)) throw stale(type, key, tag);
      const noneMatch = entityTags(headers.get("if-none-match"), "If-None-Match");
      if (noneMatch === "*" || (noneMatch && weakMatch(noneMatch, object))) return new Response(null, { status: 304, headers: { ETag: tag } });
      return json(200, object, tag);
    }
    case "PUT": {
      const condition = writeCondition(headers.get("if-match"));
      const noneMatch = entityTags(headers.get("if-none-match"), "If-None-Match");
      if (noneMatch !== undefined && noneMatch !== "*") {
        throw new HttpError(400, "INVALID_ARGUMENT", 'Invalid If-None-Match: a PUT takes only "*" (create only)');
      }
      if (noneMatch === "*" && condition !== undefined) {
        throw new HttpError(400, "INVALID_ARGUMENT", "Invalid conditions: If-Match and If-None-Match together");
      }
      const value = parseJson(await readBody(request, bodyLimit)) as JsonValue;
      checkConnected(request);
      if (condition === undefined) {
        let result: SaveResult;
        try {
          result = await store.save(type, key, value);
        } catch (e) {
          // If-None-Match: * is a precondition (412); a plain PUT keeps the create-only rule (409).
          if (noneMatch === "*" && (e as { code?: string }).code === "OBJECT_EXISTS") {
            throw new HttpError(412, "OBJECT_EXISTS", `${type}/${key} exists (If-None-Match: *)`);
          }
          throw e;
        }
        const object: StoredObject = { type, key, value, ...result };
        // Headers go in at construction: touching `response.headers` later costs Node's fast path.
        return json(201, object, etag(result), pathAndQuery(request.url));
      }
      const result = typeof condition === "object" && condition.tag === undefined
        ? await store.save(type, key, value, condition.version) // bare version: one atomic step
        : await store.transaction(async (tx) => tx.save(type, key, value, (await current(tx, type, key, condition)).version));
      return json(200, { type, key, value, ...result } satisfies StoredObject, etag(result));
    }
    case "DELETE": {
      const condition = writeCondition(headers.get("if-match"));
      checkConnected(request);
      if (condition === undefined || (typeof condition === "object" && condition.tag === undefined)) {
        await store.remove(type, key, condition === undefined ? undefined : { version: condition.version });
      } else {
        await store.transaction(async (tx) => tx.remove(type, key, { version: (await current(tx, type, key, condition)).version }));
      }
      return new Response(null, { status: 204 });
    }
    default:
      throw notAllowed(OBJECT_METHODS);
  }
}

/** The object at a stored name, read from the driver (`undefined`: absent). */
async function readStored(driver: Driver, type: string, key: string): Promise<StoredObject | undefined> {
  checkKey(key);
  const record = await driver.get(type, key);
  return record && { type, key, value: record.value, version: record.version, created: record.created, updated: record.updated };
}

/** The object a conditional write applies to, read in `tx` and checked against the condition. */
async function current(tx: Transaction, type: string, key: string, condition: WriteCondition): Promise<StoredObject> {
  const object = await tx.get(type, key);
  if (!object) throw missing(type, key);
  const tag = etag(object);
  if (condition === "never" || (condition !== "*" && condition.tag !== undefined && `"${condition.tag}"` !== tag)) {
    throw stale(type, key, tag);
  }
  return object;
}

/**
 * A 405 naming the methods a route takes, in its `Allow` header and its message.
 *
 * @example
 * ```ts
 * throw notAllowed("GET, HEAD");
 * ```
 */
export function notAllowed(allow: string): HttpError {
  return new HttpError(405, "METHOD_NOT_ALLOWED", `Method not allowed here; use ${allow}`, { Allow: allow });
}

function missing(type: string, key: string): ObjectMissingError {
  return new ObjectMissingError(`No object ${type}/${key}`);
}

function stale(type: string, key: string, tag: string): HttpError {
  return new HttpError(412, "WRONG_OBJECT_VERSION", `${type}/${key} is now ${tag}`, { ETag: tag });
}

/**
 * A JSON response, with an ETag and a `Location` when given.
 *
 * @example
 * ```ts
 * return json(201, object, etag(object), "/api/objects/Person/ann");
 * ```
 */
export function json(status: number, body: unknown, tag?: string, location?: string): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (location) headers.Location = location;
  if (tag) headers.ETag = tag;
  return new Response(JSON.stringify(body), { status, headers });
}
