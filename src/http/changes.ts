/**
 * `POST /api/changes`: what changed in one type since a watermark, so an Offline store re-syncs
 * without downloading unchanged objects. Body `{type, since?, after?, limit?}` answers
 * `{at, changed, next?, digest?}`: the records updated after `since` (in key order, `limit` at a
 * time from after `after`), the server's clock when it read the type (the next `since`), and
 * with `since` a digest of every other record's key and version (see
 * `composites/offline/digest.ts`) that the client compares with its own to find removals. Body
 * `{type, since, versionsOf: [bucket, ...]}` answers `{at, changed: [], versions}`: the
 * `[key, version]` pairs of those digest buckets. The server reads the type once per request
 * (streamed); what crosses the network is proportional to the changes.
 *
 * @module
 */
import type { Context } from "hono";
import * as v from "./schema-kit.ts";
import { bucketOf, digestBuilder } from "../composites/offline/digest.ts";
import type { ChangesResponse } from "../composites/offline/types.ts";
import { InvalidInputError } from "../errors.ts";
import { compareCodePoints } from "../query.ts";
import { checkKey } from "../validate.ts";
import { json, notAllowed } from "./objects.ts";
import { problem } from "./records.ts";
import { parseJson, readBody } from "./request.ts";
import { CHANGES } from "./schemas.ts";
import { checkStoredType, recordDriver, type View } from "./tenancy.ts";

/**
 * The handler of `POST /api/changes` over the store each request sees (`viewOf`; register it
 * under the `/api/*` auth).
 *
 * @example
 * ```ts
 * app.all("/api/changes", changesRoute(() => ({ store }), 1024 * 1024));
 * ```
 */
export function changesRoute(viewOf: (c: Context) => View, bodyLimit: number): (c: Context) => Promise<Response> {
  return async (c) => {
    if (c.req.method !== "POST") throw notAllowed("POST");
    const view = viewOf(c);
    const driver = recordDriver(view, "change requests");
    const parsed = v.safeParse(CHANGES, parseJson(await readBody(c.req.raw, bodyLimit)));
    if (!parsed.success) throw new InvalidInputError("INVALID_ARGUMENT", `Invalid change request: ${problem(parsed.issues[0])}`);
    const { type, since, after, limit = 1000, versionsOf } = parsed.output;
    checkStoredType(type, view.tenant);
    if (after !== undefined) checkKey(after);
    if (versionsOf !== undefined && since === undefined) throw new InvalidInputError("INVALID_ARGUMENT", "Invalid change request: versionsOf needs since");
    const at = new Date().toISOString();
    const sinceMs = since === undefined ? -Infinity : Date.parse(since);
    const isChanged = (updated: string) => Date.parse(updated) > sinceMs;
    const body: ChangesResponse = { at, changed: [] };

    if (versionsOf !== undefined) {
      const buckets = new Set(versionsOf);
      const versions: [string, string][] = [];
      for await (const r of driver.scan(type, [])) {
        if (!isChanged(r.updated) && buckets.has(bucketOf(r.key))) versions.push([r.key, r.version]);
      }
      body.versions = versions;
      return json(200, body);
    }

    const digest = digestBuilder();
    for await (const r of driver.scan(type, [])) {
      if (!isChanged(r.updated)) {
        digest.add(r.key, r.version);
      } else if ((after === undefined || compareCodePoints(r.key, after) > 0)) {
        if (body.changed.length < limit) body.changed.push(r);
        else body.next ??= body.changed[body.changed.length - 1]!.key;
      }
    }
    if (since !== undefined && after === undefined) body.digest = digest.done();
    return json(200, body);
  };
}
