import type { NextRequest } from "next/server";
import { z } from "zod";
import { ApiKeyRefused, verifyApiKey, type ApiKeyPrincipal, type PresentedApiKey } from "@/lib/api/keys";
import { ApiProblem, problemResponse, type ProblemCode } from "@/lib/api/problem";
import { json, withAuth, type ErrorRenderer, type RouteContext } from "./route";
import { isPlainJsonContentType, parseStrictJson } from "./strict-json";

/**
 * The POS API's route wrappers: withAuth with RFC 9457 problem details for every error, and the
 * API key's store handed to the handler. No /api/v1 handler authenticates or formats errors itself.
 */

type Params = Record<string, string | string[] | undefined>;

/** An API-key request whose store is approved (so it has a queue). */
export type StoreKey = ApiKeyPrincipal & { queueId: number };

export type V1Context<P> = RouteContext<P> & { key: StoreKey };

/** Renders withAuth's errors (auth, domain errors, zod, the unexpected) as problem details. */
export const renderProblem: ErrorRenderer = (status, code, message, extra, headers) => {
  const extensions: Record<string, unknown> = {};
  let detail = message;
  const e = extra as { field?: string; issues?: { path: string; message: string }[] } | undefined;
  if (e?.field) extensions.field = e.field;
  if (e?.issues) {
    extensions.errors = e.issues;
    const first = e.issues[0];
    if (first) detail = `${first.path || "body"}: ${first.message}`;
  }
  return problemResponse(code satisfies ProblemCode, detail, { extensions, status, headers });
};

function handleProblem(e: unknown): Response {
  if (e instanceof ApiProblem) return problemResponse(e.code, e.message, { extensions: e.extensions });
  throw e;
}

/** Cache-Control for API answers: they describe live money, and carry a store's data. */
export const NO_STORE = { "cache-control": "no-store" } as const;

/** A JSON answer with `no-store`, bigint made safe. */
export function apiJson(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(NO_STORE)) headers.set(k, v);
  return json(data, { ...init, headers });
}

/** A route authenticated by a POS API key (`Authorization: Bearer fl_…`). */
export function withApiKey<P extends Params = Params>(
  handler: (req: NextRequest, ctx: V1Context<P>) => Promise<Response | unknown> | Response | unknown,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  return withAuth<P>({ allow: ["api-key"], renderError: renderProblem }, async (req, ctx) => {
    try {
      const key = ctx.apiKey;
      if (!key) throw new Error("withApiKey: no API key after authentication");
      if (key.merchantStatus !== "approved" || key.queueId === null) {
        throw new ApiProblem("merchant_not_approved", "this key's store is not approved");
      }
      const result = await handler(req, { ...ctx, key: { ...key, queueId: key.queueId } });
      return result instanceof Response ? result : apiJson(result ?? null);
    } catch (e) {
      return handleProblem(e);
    }
  });
}

const BEARER_CHALLENGE = { "WWW-Authenticate": "Bearer" };

function refusedKey(reason: ApiKeyRefused["reason"]): Response {
  return reason === "unauthenticated"
    ? renderProblem(401, "unauthenticated", "invalid or revoked API key", undefined, BEARER_CHALLENGE)
    : problemResponse("merchant_not_approved", "this key's store is not approved");
}

/**
 * A route whose first statement checks the API key itself (the POS order: lib/api/orders.ts
 * claimByKey), instead of a statement of its own before the handler. The handler gets the key as
 * presented and must pass it to that statement, which throws ApiKeyRefused when the key is unknown,
 * wrong or revoked, or its store not approved: the same 401 and 403 as withApiKey.
 *
 * A request refused before that statement (a bad Idempotency-Key or body) has its key checked the
 * usual way first, so that, as on every other route, a caller without a valid key learns nothing
 * but that.
 */
export function withApiKeyInStatement<P extends Params = Params>(
  handler: (req: NextRequest, ctx: RouteContext<P> & { presented: PresentedApiKey }) => Promise<Response | unknown>,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  return withAuth<P>({ allow: ["api-key"], renderError: renderProblem, apiKeyCheck: "handler" }, async (req, ctx) => {
    const presented = ctx.presentedKey;
    if (!presented) throw new Error("withApiKeyInStatement: no presented API key after authentication");
    try {
      const result = await handler(req, { ...ctx, presented });
      return result instanceof Response ? result : apiJson(result ?? null);
    } catch (e) {
      if (e instanceof ApiKeyRefused) return refusedKey(e.reason);
      if (e instanceof ApiProblem || e instanceof z.ZodError) {
        const key = await verifyApiKey(presented.token);
        if (!key) return refusedKey("unauthenticated");
        if (key.merchantStatus !== "approved" || key.queueId === null) return refusedKey("not_approved");
      }
      return handleProblem(e);
    }
  });
}

/** A public /api/v1 route, still with problem details for errors. */
export function withPublicApi<P extends Params = Params>(
  handler: (req: NextRequest, ctx: RouteContext<P>) => Promise<Response | unknown> | Response | unknown,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  return withAuth<P>({ allow: ["public"], renderError: renderProblem }, async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (e) {
      return handleProblem(e);
    }
  });
}

/**
 * Handlers for the methods a route does not serve, so they too answer with a problem (Next's own
 * 405 has no body). Export them under the other method names.
 */
export function methodNotAllowed(allow: readonly string[]): () => Response {
  return () =>
    problemResponse("method_not_allowed", `this endpoint accepts ${allow.join(", ")}`, { headers: { allow: allow.join(", ") } });
}

/** Largest request body the API reads. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON request body, with problems for a wrong type, an oversized or malformed body, a
 * duplicate key or text no field can hold (lib/http/strict-json.ts).
 */
export async function readJsonBody(req: Request): Promise<unknown> {
  if (!isPlainJsonContentType(req.headers.get("content-type"))) {
    throw new ApiProblem("unsupported_media_type", "send the body as application/json (UTF-8, no other charset)");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiProblem("payload_too_large", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) {
    throw new ApiProblem("payload_too_large", `the body may be at most ${MAX_BODY_BYTES} bytes`);
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    const { path, message } = parsed.problem;
    throw new ApiProblem("invalid_input", message, { errors: [{ path, message }] });
  }
  return parsed.value;
}

/** Visible ASCII, 1–255 characters: a UUID, a ULID or the POS's own receipt id all fit. */
export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key header, required and checked. */
export function idempotencyKeyOf(req: Request): string {
  const raw = req.headers.get("idempotency-key");
  if (raw === null || raw.trim() === "") {
    throw new ApiProblem("idempotency_key_required", "send an Idempotency-Key header (for example a UUID) with every order");
  }
  const key = raw.trim();
  if (!IDEMPOTENCY_KEY_RE.test(key)) {
    throw new ApiProblem("invalid_input", "Idempotency-Key must be 1–255 visible ASCII characters", { field: "Idempotency-Key" });
  }
  return key;
}
