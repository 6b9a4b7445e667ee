import type { MessageParams } from "@/i18n/errors";

/**
 * Typed domain errors. Domain functions throw these; the action and route wrappers map them to
 * `{ error }` results and HTTP status codes, so no handler maps errors by hand.
 */
export type DomainErrorCode =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "insufficient_funds"
  | "not_allowed"
  | "rate_limited"
  | "unavailable";

const STATUS: Record<DomainErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  insufficient_funds: 422,
  not_allowed: 422,
  rate_limited: 429,
  unavailable: 503,
};

// Defined with the translation (i18n/ imports nothing from lib/); re-exported for lib's code.
export type { MessageParams };

/**
 * `message` is a message code: a key of messages/<locale>/errors.json such as
 * "amount.tooManyDecimals", translated at the boundary (i18n/errors.ts; see docs/i18n.md).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The form field the message belongs next to, when there is one. */
    readonly field?: string,
    /** The message code's arguments. */
    readonly params?: MessageParams,
  ) {
    super(message);
    this.name = "DomainError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** Too many attempts: carries when to try again (the route wrapper sends it as Retry-After). */
export class RateLimitError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    field?: string,
    params?: MessageParams,
  ) {
    super("rate_limited", message, field, params);
    this.name = "RateLimitError";
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
