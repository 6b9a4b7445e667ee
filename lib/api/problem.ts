/**
 * RFC 9457 problem details for the POS API (/api/v1): every error is `application/problem+json`
 * with `type`, `title`, `status` and `detail`, plus `code` (the last segment of `type`, easier to
 * switch on) and, for invalid input, `errors`.
 *
 * `type` is a URN: stable, not meant to be dereferenced. docs/pos-api.md lists every one.
 */

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM_TYPE_PREFIX = "urn:freeline:problem:";

/** Every problem the API answers with: the code, its status and its fixed title. */
export const PROBLEMS = {
  invalid_input: { status: 400, title: "Invalid request" },
  idempotency_key_required: { status: 400, title: "Idempotency-Key header required" },
  unauthenticated: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Forbidden" },
  merchant_not_approved: { status: 403, title: "Store not approved" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  idempotency_conflict: { status: 409, title: "Idempotency-Key reused with a different request" },
  payload_too_large: { status: 413, title: "Request body too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  unknown_customer: { status: 422, title: "Unknown customer" },
  insufficient_funds: { status: 422, title: "Insufficient funds" },
  not_allowed: { status: 422, title: "Not allowed" },
  internal: { status: 500, title: "Internal error" },
  rate_limited: { status: 429, title: "Too many requests" },
  unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: unknown;
};

export function problemTypeOf(code: ProblemCode): string {
  return `${PROBLEM_TYPE_PREFIX}${code}`;
}

/** Thrown inside /api/v1 handlers for a problem the domain errors have no code for. */
export class ApiProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = "ApiProblem";
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

/** The problem body; `status` may differ from the code's usual one only when the caller says so. */
export function problem(code: ProblemCode, detail: string, extensions?: Record<string, unknown>, status?: number): Problem {
  const p = PROBLEMS[code];
  const body: Problem = { type: problemTypeOf(code), title: p.title, status: status ?? p.status, detail, code };
  // Extension members follow the standard ones and never replace them.
  for (const [k, v] of Object.entries(extensions ?? {})) if (!(k in body)) body[k] = v;
  return body;
}

export function problemResponse(
  code: ProblemCode,
  detail: string,
  opts: { extensions?: Record<string, unknown>; status?: number; headers?: HeadersInit } = {},
): Response {
  const body = problem(code, detail, opts.extensions, opts.status);
  const headers = new Headers(opts.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
