/**
 * Cache policies of the Caching store: checking them and picking the one of a type.
 *
 * @module
 */
import type { CachePolicy } from "../config-types.ts";
import { ConfigError, type ConfigIssue } from "../errors.ts";

/** A policy with every number filled in (unused when `cache` is false). */
export interface ResolvedPolicy {
  cache: boolean;
  maxCacheSize: number;
  cullToSize: number;
  timeout: number;
  /** Age up to which an expired entry is served when Main is unreachable; 0: never. */
  staleIfError: number;
}

/**
 * Checks a default policy and its per-type overrides (the original's rules: `maxCacheSize` ≥ 2,
 * 0 ≤ `cullToSize` < `maxCacheSize`, `timeout` > 0; `staleIfError`, when given, > `timeout`;
 * `{cache: false}` alone is fine) and returns
 * the policy lookup. Throws a {@link ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const policyOf = cachePolicies({ cache: true, maxCacheSize: 100, cullToSize: 50, timeout: 60000 }, { Log: { cache: false } });
 * policyOf("Log").cache; // false
 * ```
 */
export function cachePolicies(defaults: CachePolicy, overrides: Record<string, CachePolicy> = {}): (type: string) => ResolvedPolicy {
  const issues: ConfigIssue[] = [];
  const fallback = resolve(defaults, "DefaultPolicy", issues);
  const byType = new Map<string, ResolvedPolicy>();
  for (const [type, policy] of Object.entries(overrides)) byType.set(type, resolve(policy, `TablePolicyOverride.${type}`, issues));
  if (issues.length > 0) throw new ConfigError(issues);
  return (type) => byType.get(type) ?? fallback;
}

function resolve(policy: CachePolicy, path: string, issues: ConfigIssue[]): ResolvedPolicy {
  if (policy === null || typeof policy !== "object" || typeof policy.cache !== "boolean") {
    issues.push({ path: `${path}.cache`, message: "expected a boolean" });
    return { cache: false, maxCacheSize: 0, cullToSize: 0, timeout: 0, staleIfError: 0 };
  }
  if (!policy.cache) return { cache: false, maxCacheSize: 0, cullToSize: 0, timeout: 0, staleIfError: 0 };
  const { maxCacheSize, cullToSize, timeout, staleIfError } = policy;
  const isInt = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n);
  if (!isInt(maxCacheSize) || maxCacheSize < 2) issues.push({ path: `${path}.maxCacheSize`, message: "must be an integer of at least 2" });
  if (!isInt(cullToSize) || cullToSize < 0) issues.push({ path: `${path}.cullToSize`, message: "must be an integer of at least 0" });
  else if (isInt(maxCacheSize) && cullToSize >= maxCacheSize) issues.push({ path: `${path}.cullToSize`, message: "must be less than maxCacheSize" });
  if (!isInt(timeout) || timeout <= 0) issues.push({ path: `${path}.timeout`, message: "must be an integer greater than 0 (milliseconds)" });
  if (staleIfError !== undefined) {
    if (!isInt(staleIfError) || staleIfError <= 0) issues.push({ path: `${path}.staleIfError`, message: "must be an integer greater than 0 (milliseconds)" });
    else if (isInt(timeout) && staleIfError <= timeout) issues.push({ path: `${path}.staleIfError`, message: "must be more than timeout" });
  }
  return { cache: true, maxCacheSize: maxCacheSize ?? 0, cullToSize: cullToSize ?? 0, timeout: timeout ?? 0, staleIfError: staleIfError ?? 0 };
}
