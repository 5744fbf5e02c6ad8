/**
 * The OpenAPI document `GET /openapi.json` serves, when a module registered it
 * (`@objstore/objstore/openapi`, which `@objstore/objstore/http` imports outside Workers and
 * browsers). The document is ~3 KB gzip: a Worker or page bundle that does not import it
 * leaves it out, and `/openapi.json` answers 404 there.
 *
 * @module
 */

let registered: Record<string, unknown> | undefined;

/**
 * Makes every app serve `document` at `GET /openapi.json` (what `@objstore/objstore/openapi` does).
 *
 * @example
 * ```ts
 * registerOpenApiDocument(OPENAPI_DOCUMENT);
 * ```
 */
export function registerOpenApiDocument(document: Record<string, unknown>): void {
  registered = document;
}

/**
 * The registered document, or undefined.
 *
 * @example
 * ```ts
 * registeredOpenApiDocument()?.openapi; // "3.1.0" once @objstore/objstore/openapi is imported
 * ```
 */
export function registeredOpenApiDocument(): Record<string, unknown> | undefined {
  return registered;
}
