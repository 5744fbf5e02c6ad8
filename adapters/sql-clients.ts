/**
 * Loaders of the optional SQL server clients, shared by the Node, Bun and Deno entry points:
 * each package is imported the first time a store of its kind is used, so a program that
 * never opens MySQL or PostgreSQL needs neither installed.
 *
 * @module
 */
import type { CreateOptions } from "../mod.ts";

/** mysql2's promise API, whichever way the runtime presents a CommonJS module. */
const loadMysql2: NonNullable<CreateOptions["loadMysql2"]> = async () => {
  const mod = await import("mysql2/promise") as unknown as { default?: unknown; createPool?: unknown };
  return (typeof mod.createPool === "function" ? mod : mod.default) as Awaited<ReturnType<NonNullable<CreateOptions["loadMysql2"]>>>;
};

/** postgres.js's factory (its default export). */
const loadPostgres: NonNullable<CreateOptions["loadPostgres"]> = async () =>
  (await import("postgres")).default as unknown as Awaited<ReturnType<NonNullable<CreateOptions["loadPostgres"]>>>;

/**
 * The SQL server client loaders a runtime entry point injects.
 *
 * @example
 * ```ts
 * const services: CreateOptions = { ...sqlClientLoaders };
 * ```
 */
export const sqlClientLoaders: Pick<CreateOptions, "loadMysql2" | "loadPostgres"> = { loadMysql2, loadPostgres };
