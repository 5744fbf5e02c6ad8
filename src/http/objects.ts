/**
 * One object over HTTP: `GET`/`PUT`/`DELETE /api/objects/:type/:key` with `ETag`, `If-Match`
 * and `If-None-Match` (docs/http.md).
 *
 * @module
 */
import { InvalidInputError, ObjectMissingError } from "../errors.ts";
import type { JsonValue, ObjectStore, SaveResult, StoredObject } from "../types.ts";
import { HttpError } from "./errors.ts";
import { entityTags, ifMatchVersion, parseJson, readBody } from "./request.ts";

/**
 * `"<version>"`, the ETag of a version.
 *
 * @example
 * ```ts
 * etag("3"); // "\"3\""
 * ```
 */
export function etag(version: string): string {
  return `"${version}"`;
}

/**
 * Answers one object request; `bodyLimit` bounds a PUT body.
 *
 * @example
 * ```ts
 * const response = await objectResponse(store, request, "Person", "ann", 1024 * 1024);
 * ```
 */
export async function objectResponse(store: ObjectStore, request: Request, type: string, key: string, bodyLimit: number): Promise<Response> {
  const headers = request.headers;
  switch (request.method === "HEAD" ? "GET" : request.method) {
    case "GET": {
      const object = await store.get(type, key);
      if (!object) throw missing(type, key);
      const tag = etag(object.version);
      const noneMatch = entityTags(headers.get("if-none-match") ?? undefined, "If-None-Match");
      if (noneMatch === "*" || noneMatch?.includes(object.version)) return new Response(null, { status: 304, headers: { ETag: tag } });
      const match = entityTags(headers.get("if-match") ?? undefined, "If-Match");
      if (match !== undefined && match !== "*" && !match.includes(object.version)) {
        throw new HttpError(412, "WRONG_OBJECT_VERSION", `${type}/${key} is at version ${object.version}`);
      }
      return json(200, object, tag);
    }
    case "PUT": {
      const version = ifMatchVersion(headers.get("if-match") ?? undefined);
      const noneMatch = entityTags(headers.get("if-none-match") ?? undefined, "If-None-Match");
      if (noneMatch !== undefined && noneMatch !== "*") {
        throw new InvalidInputError("INVALID_ARGUMENT", 'Invalid If-None-Match: a PUT takes only "*" (create)');
      }
      if (noneMatch === "*" && version !== undefined) {
        throw new InvalidInputError("INVALID_ARGUMENT", "Invalid conditions: If-Match and If-None-Match together");
      }
      const value = parseJson(await readBody(request, bodyLimit)) as JsonValue;
      let result: SaveResult;
      if (version === undefined) result = await store.save(type, key, value);
      else if (version === "*") {
        result = await store.transaction(async (tx) => {
          const current = await tx.get(type, key);
          if (!current) throw missing(type, key);
          return tx.save(type, key, value, current.version);
        });
      } else result = await store.save(type, key, value, version);
      const object: StoredObject = { type, key, value, ...result };
      return json(version === undefined ? 201 : 200, object, etag(result.version));
    }
    case "DELETE": {
      const version = ifMatchVersion(headers.get("if-match") ?? undefined);
      await store.remove(type, key, version === undefined || version === "*" ? undefined : { version });
      return new Response(null, { status: 204 });
    }
    default:
      throw notAllowed("GET, HEAD, PUT, DELETE");
  }
}

/**
 * A 405 naming the methods a route takes.
 *
 * @example
 * ```ts
 * throw notAllowed("GET, HEAD");
 * ```
 */
export function notAllowed(allow: string): HttpError {
  return new HttpError(405, "METHOD_NOT_ALLOWED", `Method not allowed here; use ${allow}`);
}

function missing(type: string, key: string): ObjectMissingError {
  return new ObjectMissingError(`No object ${type}/${key}`);
}

/**
 * A JSON response, with an ETag when given.
 *
 * @example
 * ```ts
 * return json(201, object, etag(object.version));
 * ```
 */
export function json(status: number, body: unknown, tag?: string): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (tag) headers.ETag = tag;
  return new Response(JSON.stringify(body), { status, headers });
}
