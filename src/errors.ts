/**
 * Every error objstore throws on purpose is an {@link ObjectStoreError} with a stable `code`.
 * Subclasses exist for the cases callers catch.
 *
 * @module
 */

/** The stable error codes. Match on these, never on message text. */
export type ObjectStoreErrorCode =
  | "WRONG_OBJECT_VERSION"
  | "OBJECT_EXISTS"
  | "OBJECT_MISSING"
  | "INVALID_OBJECT_TYPE"
  | "INVALID_KEY"
  | "INVALID_VALUE"
  | "INVALID_ARGUMENT"
  | "INVALID_CONFIG"
  | "TRANSACTION_TOO_LARGE"
  | "BACKEND_UNAVAILABLE"
  | "BACKEND_ERROR"
  | "UNSUPPORTED"
  | "CLOSED";

/**
 * Base class of every error objstore throws on purpose.
 *
 * @example
 * ```ts
 * try {
 *   await store.save("Person", "ann", { age: 3 });
 * } catch (e) {
 *   if (e instanceof ObjectStoreError && e.code === "OBJECT_EXISTS") console.log("already there");
 * }
 * ```
 */
export class ObjectStoreError extends Error {
  /** Stable machine-readable code. */
  declare readonly code: ObjectStoreErrorCode;

  /** Creates an error with a stable `code` and, where one exists, the original error as `cause`. */
  constructor(code: ObjectStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : options);
    this.code = code;
    this.name = "ObjectStoreError";
  }
}

/**
 * A write named a version that is not the object's current one, or a commit's checked
 * versions changed underneath it.
 *
 * @example
 * ```ts
 * await store.transaction(async (tx) => { ... }, { retries: 3 }); // re-runs on this error
 * ```
 */
export class WrongObjectVersionError extends ObjectStoreError {
  /** Creates the error; `message` names the object and versions. */
  constructor(message: string) {
    super("WRONG_OBJECT_VERSION", message);
    this.name = "WrongObjectVersionError";
  }
}

/**
 * A save without a version found the object already there.
 *
 * @example
 * ```ts
 * await store.save("Person", "ann", {}); // second time: ObjectExistsError
 * ```
 */
export class ObjectExistsError extends ObjectStoreError {
  /** Creates the error; `message` names the object. */
  constructor(message: string) {
    super("OBJECT_EXISTS", message);
    this.name = "ObjectExistsError";
  }
}

/**
 * A save with a version, or a remove, found no object.
 *
 * @example
 * ```ts
 * await store.remove("Person", "nobody"); // ObjectMissingError
 * ```
 */
export class ObjectMissingError extends ObjectStoreError {
  /** Creates the error; `message` names the object. */
  constructor(message: string) {
    super("OBJECT_MISSING", message);
    this.name = "ObjectMissingError";
  }
}

/**
 * Bad input: an object type, key, value or other argument. The message names what is wrong.
 *
 * @example
 * ```ts
 * await store.save("Bad_Type", "k", 1); // InvalidInputError, code INVALID_OBJECT_TYPE
 * ```
 */
export class InvalidInputError extends ObjectStoreError {
  /** Creates the error with its code and a message naming what is wrong. */
  constructor(
    code: "INVALID_OBJECT_TYPE" | "INVALID_KEY" | "INVALID_VALUE" | "INVALID_ARGUMENT",
    message: string,
  ) {
    super(code, message);
    this.name = "InvalidInputError";
  }
}

/** One problem found in a store config. */
export interface ConfigIssue {
  /** Dotted path from the config's root, e.g. `Main.single_table_mode` ("" for the root). */
  path: string;
  /** What is wrong there. Never contains secrets. */
  message: string;
}

/**
 * A store config is invalid; `issues` lists every problem at once.
 *
 * @example
 * ```ts
 * try { parseStoreConfig({ Type: "Nope" }) } catch (e) { if (e instanceof ConfigError) console.log(e.issues) }
 * ```
 */
export class ConfigError extends ObjectStoreError {
  /** Every problem found, with its path. */
  declare readonly issues: ConfigIssue[];

  /** Creates the error listing every problem of the config. */
  constructor(issues: ConfigIssue[]) {
    super("INVALID_CONFIG", `Invalid store config: ${issues.map(formatIssue).join("; ")}`);
    this.issues = issues;
    this.name = "ConfigError";
  }
}

function formatIssue(issue: ConfigIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

/**
 * The backend failed (`BACKEND_ERROR`) or could not be reached (`BACKEND_UNAVAILABLE`) after
 * retries; `cause` holds the original error.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof BackendError) console.error(e.code, e.cause) }
 * ```
 */
export class BackendError extends ObjectStoreError {
  /** Creates the error with its code, a message and the backend's original error as `cause`. */
  constructor(
    code: "BACKEND_UNAVAILABLE" | "BACKEND_ERROR",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "BackendError";
  }
}
