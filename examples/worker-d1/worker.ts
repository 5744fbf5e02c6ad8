/**
 * A Worker whose data lives in D1: the objstore HTTP API over `{"Type":"D1","binding":"DB"}`
 * (see wrangler.toml beside this file). In your own project, import from
 * "@objstore/objstore/worker" instead of the relative path.
 */
export { default } from "../../adapters/worker.ts";
